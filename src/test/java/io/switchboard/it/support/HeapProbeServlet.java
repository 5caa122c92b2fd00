package io.switchboard.it.support;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Test-only: {@code GET /it/heap?class=<name>} answers how many objects of that class the server's heap
 * holds after a full collection (the JVM's own class histogram, as {@code jcmd GC.class_histogram} gives
 * it), so that a test can see memory a connection kept after its socket went away.
 */
@WebServlet("/it/heap")
public class HeapProbeServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = request.getParameter("class");
        String histogram;
        try {
            histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (JMException e) {
            response.sendError(500);
            return;
        }
        long count = 0;
        for (String line : histogram.split("\n")) {
            // "   12:          345        67890  some.Class (module)": number, instances, bytes, name
            String[] columns = line.trim().split("\\s+");
            if (columns.length >= 4 && columns[3].equals(name)) {
                count += Long.parseLong(columns[1]);
            }
        }
        response.setContentType("text/plain");
        response.getWriter().print(count);
    }
}
