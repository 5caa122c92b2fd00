package io.switchboard.admin;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * {@code /dashboard/}: the operator's console ({@code /dashboard} redirects there, so that the page's
 * relative links resolve the same way whatever the context root), a page and a few scripts and a
 * style sheet under {@code WEB-INF/dashboard}, with no third-party code and nothing loaded from
 * elsewhere. The page itself is public and holds no data; it asks for the admin token and reads and
 * drives {@code /api} with it. Only the files named in {@link #ASSETS} are served, under
 * {@code /dashboard/assets/}; the page's strict Content-Security-Policy allows scripts and styles from
 * this server only.
 */
@WebServlet({"/dashboard", "/dashboard/", "/dashboard/assets/*"})
public class DashboardServlet extends HttpServlet {

    private static final String DIR = "/WEB-INF/dashboard/";
    private static final Map<String, String> ASSETS = Map.of(
            "console.js", "text/javascript;charset=UTF-8",
            "api.js", "text/javascript;charset=UTF-8",
            "charts.js", "text/javascript;charset=UTF-8",
            "figures.js", "text/javascript;charset=UTF-8",
            "connections.js", "text/javascript;charset=UTF-8",
            "actions.js", "text/javascript;charset=UTF-8",
            "console.css", "text/css;charset=UTF-8");
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        if ("/dashboard".equals(request.getServletPath())) {
            response.sendRedirect(request.getContextPath() + "/dashboard/");
            return;
        }
        String file = "index.html";
        String type = "text/html;charset=UTF-8";
        if ("/dashboard/assets".equals(request.getServletPath())) {
            String name = request.getPathInfo() == null ? "" : request.getPathInfo().substring(1);
            type = ASSETS.get(name);
            if (type == null) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            file = name;
        }
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Content-Security-Policy", POLICY);
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setContentType(type);
        try (InputStream in = getServletContext().getResourceAsStream(DIR + file)) {
            if (in == null) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            in.transferTo(response.getOutputStream());
        }
    }
}
