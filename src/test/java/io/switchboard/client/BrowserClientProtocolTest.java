package io.switchboard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.Chromium;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * switchboard.js in a real headless Chromium against a scripted peer, for the notices the server
 * does not send yet (CONTRACT.md sections 10, 11): the same cases as {@link SwitchboardClientTest}.
 * Skipped when chromium is not installed.
 */
class BrowserClientProtocolTest {

    private final FakeServer server = new FakeServer();
    private Chromium browser;

    BrowserClientProtocolTest() throws Exception {
    }

    @BeforeEach
    void startBrowser() throws Exception {
        Optional<Path> binary = Chromium.find();
        Assumptions.assumeTrue(binary.isPresent(), "chromium is not installed: the browser client tests need the Debian package 'chromium'");
        browser = Chromium.launch(binary.get());
        browser.eval(Files.readString(Path.of("src/main/webapp/switchboard.js")) + "; typeof Switchboard");
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        server.close();
    }

    private void connect(String url) throws Exception {
        browser.eval("window.log = []; window.sb = new Switchboard(" + Json.createValue(url) + ", {token: 'jwt-b', backoffMin: 50, backoffMax: 200});"
                + " sb.on('open', w => log.push('open ' + w.connectionId));"
                + " sb.on('close', e => log.push('close ' + e.code + ' ' + e.reason + ' ' + e.willReconnect));"
                + " sb.on('message', m => log.push('message ' + m.type)); sb.connect(); true");
    }

    private void awaitLog(String entry) throws Exception {
        browser.await("log.filter(e => e.startsWith(" + Json.createValue(entry) + ")).length > 0", JsonValue.TRUE::equals);
    }

    private static String welcome(String id, long intervalMs, long timeoutMs) {
        return "{\"type\":\"welcome\",\"connectionId\":\"" + id + "\",\"userId\":\"u\",\"heartbeat\":{\"intervalMs\":"
                + intervalMs + ",\"timeoutMs\":" + timeoutMs + ",\"mode\":\"app\"}}";
    }

    @Test
    void pingsAndTimeRequestsAreAnsweredAndAShutdownNoticeIsHonouredWithResubscription() throws Exception {
        connect(server.uri().toString());
        FakeServer.Peer first = server.next();
        assertTrue(first.request.startsWith("GET /ws?heartbeat=app&access_token=jwt-b "), first.request);
        first.send(welcome("c1", 30_000, 10_000));
        awaitLog("open c1");
        browser.eval("sb.subscribe('news.*'); true");
        assertTrue(first.next("subscribe").contains("\"channel\":\"news.*\""));
        first.send("{\"type\":\"ping\",\"id\":7}");
        assertEquals("{\"type\":\"pong\",\"id\":7}", first.next("pong"));
        first.send("{\"type\":\"time\",\"t0\":123}");
        assertTrue(first.next("time").startsWith("{\"type\":\"time\",\"t0\":123,\"t1\":"));

        long noticeAt = System.nanoTime();
        first.send("{\"type\":\"shutdown\",\"reason\":\"deploy\",\"reconnectAfterMs\":300,\"drainMs\":30000}");
        assertEquals("close 1000", first.next("close"));
        assertTrue(System.nanoTime() - noticeAt >= 300_000_000L, "the client waits reconnectAfterMs before leaving");
        FakeServer.Peer second = server.next();
        second.send(welcome("c2", 30_000, 10_000));
        awaitLog("open c2");
        assertTrue(second.next("subscribe").contains("\"channel\":\"news.*\""), "resubscribed on the new connection");
    }

    @Test
    void aReconnectNoticeWithAUrlMovesTheClientAndASilentServerIsDropped() throws Exception {
        try (FakeServer other = new FakeServer()) {
            connect(server.uri().toString());
            FakeServer.Peer first = server.next();
            first.send(welcome("c1", 30_000, 10_000));
            awaitLog("open c1");
            first.send("{\"type\":\"reconnect\",\"reason\":\"rebalance\",\"afterMs\":0,\"url\":\"" + other.uri() + "\"}");

            FakeServer.Peer moved = other.next();
            moved.send(welcome("c2", 200, 200));
            awaitLog("open c2");
            assertTrue(moved.next().contains("\"type\":\"ping\""), "a probe after interval + timeout/2 of silence");
            awaitLog("close 1006 server unresponsive");
            // the url was for one attempt: the next goes back to the configured URL
            server.next().send(welcome("c3", 30_000, 10_000));
            awaitLog("open c3");
        }
    }

    @Test
    void terminalCloseCodesEndTheClient() throws Exception {
        connect(server.uri().toString());
        FakeServer.Peer first = server.next();
        first.send(welcome("c1", 30_000, 10_000));
        awaitLog("open c1");
        first.close(1003, "binary messages not supported");
        awaitLog("close 1003 binary messages not supported false");
        assertEquals("\"closed\"", browser.eval("sb.state").toString());
    }
}
