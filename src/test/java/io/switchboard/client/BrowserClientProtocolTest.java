package io.switchboard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.support.Chromium;
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
 * does not send yet (protocol.md): the same cases as {@link SwitchboardClientTest}.
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
            // the url was spent once connected: the next attempt goes back to the configured URL
            server.next().send(welcome("c3", 30_000, 10_000));
            awaitLog("open c3");
        }
    }

    @Test
    void aNoticeUrlIsTriedAgainWhileTheConfiguredUrlRefusesUntilAConnectionOpens() throws Exception {
        try (FakeServer other = new FakeServer()) {
            connect(server.uri().toString());
            FakeServer.Peer first = server.next();
            first.send(welcome("c1", 30_000, 10_000));
            awaitLog("open c1");
            first.send("{\"type\":\"shutdown\",\"reason\":\"maintenance\",\"reconnectAfterMs\":0,\"drainMs\":30000,\"url\":\""
                    + other.uri() + "\"}");
            server.refuseNext("503 Service Unavailable\r\nRetry-After: 0"); // the configured node is draining
            other.next().drop(); // the named node did not answer this time
            FakeServer.Peer moved = other.next(); // so the named node again, not the draining one for good
            moved.send(welcome("c2", 30_000, 10_000));
            awaitLog("open c2");
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

    @Test
    void closeAdviceIsTheServersTable() throws Exception {
        java.util.List<String> reasons = CloseCodesTest.reasons();
        StringBuilder expected = new StringBuilder();
        for (int code = 1000; code <= 4999; code++) {
            for (String reason : reasons) {
                expected.append(switch (io.switchboard.core.Disconnect.adviceFor(code, reason)) {
                    case RECONNECT -> 'r';
                    case STOP -> 's';
                    case RENEW_TOKEN -> 'n';
                });
            }
        }
        jakarta.json.JsonArrayBuilder list = Json.createArrayBuilder();
        reasons.forEach(list::add);
        String actual = ((jakarta.json.JsonString) browser.eval("(function (reasons) { var out = '';"
                + " for (var code = 1000; code <= 4999; code++) { reasons.forEach(function (r) {"
                + " out += {reconnect: 'r', stop: 's', renew: 'n'}[Switchboard.closeAdvice(code, r)]; }); }"
                + " return out; })(" + list.build() + ")")).getString();
        assertEquals(expected.length(), actual.length());
        for (int i = 0; i < expected.length(); i++) {
            int code = 1000 + i / reasons.size();
            String reason = reasons.get(i % reasons.size());
            assertEquals(expected.charAt(i), actual.charAt(i), "close " + code + " '" + reason + "'");
        }
    }

    @Test
    void aRefreshNoticeSendsANewTokenInBandAndAnExpiredTokenReconnectsAtOnce() throws Exception {
        // the token function returns a promise, as one that fetches a token would; the backoff floor is five minutes
        browser.eval("window.log = []; window.issued = 0; window.sb = new Switchboard(" + Json.createValue(server.uri().toString())
                + ", {token: () => Promise.resolve('jwt-' + (++issued)), backoffMin: 300000, backoffMax: 600000});"
                + " sb.on('open', w => log.push('open ' + w.connectionId));"
                + " sb.on('close', e => log.push('close ' + e.code + ' ' + e.reason + ' ' + e.willReconnect));"
                + " sb.on('message', m => log.push('message ' + m.type + ' ' + (m.reason || ''))); sb.connect(); true");
        FakeServer.Peer first = server.next();
        assertTrue(first.request.contains("access_token=jwt-1 "), first.request);
        first.send(welcome("c1", 30_000, 10_000));
        awaitLog("open c1");
        browser.eval("sb.subscribe('sport.*'); true");
        first.next("subscribe");

        first.send("{\"type\":\"refresh\",\"expiresAt\":1763800000000}");
        jakarta.json.JsonObject auth = Json.createReader(new java.io.StringReader(first.next("auth"))).readObject();
        assertEquals("jwt-2", auth.getString("token"));
        first.send("{\"type\":\"refreshed\",\"expiresAt\":1763800060000,\"ref\":" + auth.get("id") + "}");
        first.send("{\"type\":\"unsubscribed\",\"channel\":\"sport.*\",\"reason\":\"not allowed\"}");
        awaitLog("message unsubscribed not allowed");
        assertEquals("\"open\"", browser.eval("sb.state").toString());

        first.close(4001, "token expired");
        awaitLog("close 4001 token expired true");
        FakeServer.Peer second = server.next(); // within seconds although the backoff's floor is five minutes
        assertTrue(second.request.contains("access_token=jwt-3 "), second.request);
        second.send(welcome("c2", 30_000, 10_000));
        awaitLog("open c2");
        second.send("{\"type\":\"ping\",\"id\":5}");
        assertEquals("{\"type\":\"pong\",\"id\":5}", second.next(), "the ended subscription is not asked for again");
    }

    private static String message(String channel, int offset, String epoch) {
        return "{\"type\":\"message\",\"channel\":\"" + channel + "\",\"data\":" + offset + ",\"offset\":" + offset
                + ",\"epoch\":\"" + epoch + "\",\"seq\":1}";
    }

    private static String idOf(String request) {
        return request.replaceAll(".*\"id\":(\\d+).*", "$1");
    }

    @Test
    void historyResubscribesFromTheLastMessageSeenDeliversEachOnceAndReportsRecovery() throws Exception {
        connect(server.uri().toString());
        browser.eval("sb.on('message', m => m.channel && log.push('data ' + m.channel + ' ' + m.data));"
                + " sb.on('recovery', r => log.push('recovery ' + r.channel + ' ' + r.recovered)); true");
        FakeServer.Peer first = server.next();
        first.send(welcome("c1", 30_000, 10_000));
        awaitLog("open c1");
        browser.eval("sb.subscribe('orders'); true");
        String subscribe = first.next("subscribe");
        assertTrue(!subscribe.contains("since"), subscribe);
        first.send("{\"type\":\"subscribed\",\"channel\":\"orders\",\"ref\":" + idOf(subscribe) + ",\"offset\":4,\"epoch\":\"e1\"}");
        first.send(message("orders", 5, "e1"));
        first.send(message("orders", 5, "e1"));
        awaitLog("data orders 5");

        first.close(1001, "server shutting down");
        FakeServer.Peer second = server.next();
        second.send(welcome("c2", 30_000, 10_000));
        String again = second.next("subscribe");
        assertTrue(again.contains("\"since\":{\"offset\":5,\"epoch\":\"e1\"}"), again);
        second.send(message("orders", 5, "e1"));
        second.send(message("orders", 6, "e1"));
        second.send("{\"type\":\"subscribed\",\"channel\":\"orders\",\"ref\":" + idOf(again)
                + ",\"recovered\":true,\"offset\":6,\"epoch\":\"e1\"}");
        awaitLog("recovery orders true");
        second.send("{\"type\":\"resync\",\"channel\":\"orders\"}");
        String resync = second.next("subscribe");
        assertTrue(resync.contains("\"since\":{\"offset\":6,\"epoch\":\"e1\"}"), resync);
        second.send("{\"type\":\"subscribed\",\"channel\":\"orders\",\"ref\":" + idOf(resync)
                + ",\"recovered\":false,\"offset\":40,\"epoch\":\"e2\"}");
        awaitLog("recovery orders false");
        assertEquals("\"data orders 5,data orders 6,recovery orders true,recovery orders false\"",
                browser.eval("log.filter(e => e.startsWith('data') || e.startsWith('recovery')).join()").toString(),
                "each message once");
    }

    /** As in the Java client: a subscribe answered {@code unavailable} is tried again with its since and then resolves. */
    @Test
    void aSubscribeAnsweredUnavailableIsTriedAgainWithItsSinceAndThenResolves() throws Exception {
        connect(server.uri().toString());
        browser.eval("sb.on('message', m => m.channel && log.push('data ' + m.channel + ' ' + m.data)); true");
        FakeServer.Peer peer = server.next();
        peer.send(welcome("c1", 30_000, 10_000));
        awaitLog("open c1");
        browser.eval("sb.subscribe('orders').then(r => log.push('subscribed ' + r.offset), e => log.push('failed ' + e.code)); true");
        String first = peer.next("subscribe");
        peer.send("{\"type\":\"subscribed\",\"channel\":\"orders\",\"ref\":" + idOf(first) + ",\"offset\":4,\"epoch\":\"e1\"}");
        peer.send(message("orders", 5, "e1"));
        awaitLog("data orders 5");

        peer.send("{\"type\":\"resync\",\"channel\":\"orders\"}");
        String resync = peer.next("subscribe");
        peer.send("{\"type\":\"error\",\"code\":\"unavailable\",\"message\":\"the channel's history cannot be read\",\"ref\":"
                + idOf(resync) + "}");
        String again = peer.next("subscribe");
        assertTrue(again.contains("\"since\":{\"offset\":5,\"epoch\":\"e1\"}"), again);
        peer.send("{\"type\":\"subscribed\",\"channel\":\"orders\",\"ref\":" + idOf(again)
                + ",\"recovered\":true,\"offset\":5,\"epoch\":\"e1\"}");
        peer.send(message("orders", 5, "e1"));
        peer.send(message("orders", 6, "e1"));
        awaitLog("data orders 6");
        assertEquals("\"subscribed 4,data orders 5,data orders 6\"",
                browser.eval("log.filter(e => e.startsWith('data') || e.startsWith('subscribed') || e.startsWith('failed')).join()").toString(),
                "never forgotten, each message once");
    }
}
