package io.switchboard.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/** What {@link DashboardIT} does to the console page in {@link Chromium}: read it, type into it, click it, photograph it. */
public final class ConsolePage {

    private static final Path SHOTS = Path.of("target", "dashboard-screenshots");
    /** The state badge's background in each state (console.css). */
    public static final int LIVE = 0x1e6b3a;
    public static final int REJECTED = 0xa32a1f;
    public static final int DISCONNECTED = 0xb05a00;

    private ConsolePage() {
    }

    public static String text(Chromium browser, String id) throws Exception {
        return ((JsonString) browser.eval("document.getElementById('" + id + "').textContent")).getString();
    }

    public static String awaitText(Chromium browser, String id, String wanted) throws Exception {
        return ((JsonString) browser.await("document.getElementById('" + id + "').textContent",
                v -> ((JsonString) v).getString().contains(wanted))).getString();
    }

    public static void click(Chromium browser, String selector) throws Exception {
        browser.eval("document.querySelector(" + Json.createValue(selector) + ").click(); true");
    }

    public static void setValue(Chromium browser, String id, String value, String event) throws Exception {
        browser.eval("{ const e = document.getElementById('" + id + "'); e.value = " + Json.createValue(value)
                + "; e.dispatchEvent(new Event('" + event + "')); true }");
    }

    /** Pastes the token: one input event, no Enter. */
    public static void paste(Chromium browser, String token) throws Exception {
        browser.eval("{ const t = document.getElementById('token'); t.value = ''; t.focus(); true }");
        browser.insertText(token);
    }

    /** Polls the console's state until it is {@code state}; before the page has loaded it reads as "". */
    public static String awaitState(Chromium browser, String state) throws Exception {
        return ((JsonString) browser.await("document.getElementById('state')?.dataset.state || ''",
                v -> ((JsonString) v).getString().equals(state))).getString();
    }

    public static int rows(Chromium browser) throws Exception {
        return Integer.parseInt(browser.eval("String(document.querySelectorAll('#connections tr').length)").toString().replace("\"", ""));
    }

    /**
     * Takes a screenshot and checks it: as wide as the window, and the state badge painted in the colour
     * of its state (or, while a dialog is open over the page, the dialog painted white on top).
     */
    public static BufferedImage shoot(Chromium browser, String name, int width, int badge) throws Exception {
        browser.eval("window.scrollTo(0, 0); true");
        boolean dialog = browser.eval("document.querySelector('dialog[open]') !== null").equals(JsonValue.TRUE);
        BufferedImage image = browser.screenshot(SHOTS.resolve(Servers.name() + "-" + name + ".png"), !dialog);
        assertEquals(width, image.getWidth(), name + ": the screenshot is as wide as the window");
        // points whose place does not move when the page updates between the shot and this query: the
        // badge's top right corner (it sits at the right end), the open dialog's left edge half-way down
        // (dialogs are centred and of a fixed width)
        JsonObject box = browser.eval("(() => { const d = document.querySelector('dialog[open]');"
                + " const r = (d || document.getElementById('state')).getBoundingClientRect();"
                + " return {dialog: d !== null, x: Math.round(d ? r.left + 6 : r.right - 4),"
                + " y: Math.round(d ? (r.top + r.bottom) / 2 : r.top + 4)}; })()").asJsonObject();
        int rgb = image.getRGB(box.getInt("x"), box.getInt("y")) & 0xffffff;
        int expected = box.getBoolean("dialog") ? 0xffffff : badge;
        assertEquals(Integer.toHexString(expected), Integer.toHexString(rgb),
                name + (box.getBoolean("dialog") ? ": the open dialog" : ": the state badge's colour") + " in the screenshot at " + box);
        assertTrue(image.getHeight() >= 900, name + ": the whole page or window, not a strip");
        return image;
    }
}
