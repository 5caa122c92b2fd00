package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The operator's /dashboard in a real headless Chromium: it shows live figures, and its close button works. */
@ExtendWith(ArquillianExtension.class)
class DashboardIT {

    private static final String TOKEN = "dashboard-it-token";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of("switchboard.admin.token", TOKEN, "switchboard.limits.max-connections", "200"));
    }

    @ArquillianResource
    URL base;

    @Test
    void theDashboardShowsTheConnectionsAndClosesOne() throws Exception {
        Optional<Path> binary = Chromium.find();
        Assumptions.assumeTrue(binary.isPresent(), "chromium is not installed: the dashboard test needs the Debian package 'chromium'");
        String root = base.toExternalForm().replaceFirst("/*$", "/");
        HttpResponse<String> page = Http.get(java.net.URI.create(root + "dashboard"));
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));

        List<TestClient> clients = new ArrayList<>();
        try (Chromium browser = Chromium.launch(binary.get())) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                TestClient c = TestClient.connect(Servers.webSocket(base, null));
                clients.add(c);
                ids.add(c.next("welcome").getString("connectionId"));
            }
            browser.open(root + "dashboard");
            browser.eval("const t = document.getElementById('token'); t.value = " + Json.createValue(TOKEN)
                    + "; t.dispatchEvent(new Event('change')); true");

            JsonValue status = browser.await("document.getElementById('status').textContent",
                    v -> !v.toString().contains("not connected") && !v.toString().contains("paste"));
            assertTrue(status.toString().contains("updated"), "the page reads the API: " + status);
            browser.await("document.querySelectorAll('#connections tr').length", v -> v.toString().equals("5"));
            assertEquals("\"5\"", browser.eval("document.getElementById('active').textContent").toString());
            assertEquals("\"2.5 %\"", browser.eval("document.getElementById('utilisation').textContent").toString());
            assertTrue(browser.eval("document.getElementById('status').textContent").toString().contains("updated"));
            assertTrue(browser.eval("document.querySelector('[data-group=messages]') !== null").equals(JsonValue.TRUE),
                    "the figures of /api/stats are shown");

            String victim = ids.get(2);
            browser.eval("document.querySelector('#connections tr[data-id=\"" + victim + "\"] button.close').click(); true");
            assertEquals("1000 closed by operator", clients.get(2).awaitClose());
            JsonValue rows = browser.await("JSON.stringify([...document.querySelectorAll('#connections tr')].map(r => r.dataset.id))",
                    v -> !((JsonString) v).getString().contains(victim));
            assertTrue(((JsonString) rows).getString().contains(ids.get(0)), rows.toString());
        } finally {
            clients.forEach(TestClient::close);
        }
    }

    @Test
    void aWrongTokenIsReportedOnThePage() throws Exception {
        Optional<Path> binary = Chromium.find();
        Assumptions.assumeTrue(binary.isPresent(), "chromium is not installed: the dashboard test needs the Debian package 'chromium'");
        String root = base.toExternalForm().replaceFirst("/*$", "/");
        try (Chromium browser = Chromium.launch(binary.get())) {
            browser.open(root + "dashboard");
            browser.eval("const t = document.getElementById('token'); t.value = 'nope'; t.dispatchEvent(new Event('change')); true");
            browser.await("document.getElementById('status').textContent", v -> v.toString().contains("wrong admin token"));
        }
    }
}
