package io.switchboard.it.support;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Test-only, added to the deployment by {@link HostileClientsIT}: records every message Switchboard
 * logs under {@code io.switchboard} (the last 2,000) exactly as it was written, and
 * {@code GET /it/log} returns them as a JSON array of strings, so that a test can see whether a client
 * value broke a line. Loaded at startup so that it sees the first connection.
 */
@WebServlet(urlPatterns = "/it/log", loadOnStartup = 1)
public class LogProbeServlet extends HttpServlet {

    /** Lifecycle lines may not reach their parent's handlers (WildFly's settings script sends them to a handler of their own). */
    private static final Logger[] LOGGERS = {Logger.getLogger("io.switchboard"), Logger.getLogger("io.switchboard.lifecycle")};
    private static final Deque<String> LINES = new ArrayDeque<>();

    private final Handler recorder = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            synchronized (LINES) {
                LINES.addLast(message == null ? "" : message);
                while (LINES.size() > 2000) {
                    LINES.removeFirst();
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @Override
    public void init(ServletConfig config) {
        recorder.setLevel(Level.INFO);
        for (Logger logger : LOGGERS) {
            logger.addHandler(recorder);
        }
    }

    @Override
    public void destroy() {
        for (Logger logger : LOGGERS) {
            logger.removeHandler(recorder);
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        jakarta.json.JsonArrayBuilder lines = jakarta.json.Json.createArrayBuilder();
        synchronized (LINES) {
            LINES.forEach(lines::add);
        }
        byte[] body = lines.build().toString().getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
