package io.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every key that {@link SettingsLoader} reads is documented, with its own table row, in
 * {@code src/site/markdown/configuration.md}. The keys come from SettingsLoader itself, two ways: the
 * keys it asks its source for when it loads, and every {@code "switchboard.…"} string literal in the
 * sources of this package (so that a key read only under a condition is not missed).
 */
class SettingsLoaderDocumentedTest {

    private static final Path PAGE = Path.of("src/site/markdown/configuration.md");
    private static final Path SOURCES = Path.of("src/main/java/io/switchboard/config");
    private static final Pattern KEY_LITERAL = Pattern.compile("\"(switchboard\\.[a-z0-9.-]+)\"");
    /** A table row whose first cell is the key in backticks. */
    private static final Pattern ROW_KEY = Pattern.compile("^\\|\\s*`(switchboard\\.[a-z0-9.-]+)`\\s*\\|", Pattern.MULTILINE);

    @Test
    void everyKeyTheLoaderReadsHasARowInConfigurationMd() throws IOException {
        Set<String> read = keysRead();
        Set<String> documented = documentedKeys();

        Set<String> missing = new TreeSet<>(read);
        missing.removeAll(documented);
        assertEquals(Set.of(), missing, "keys read by SettingsLoader but missing from " + PAGE);
    }

    @Test
    void theKeysComeFromTheLoaderItself() throws IOException {
        Set<String> asked = keysAskedAtLoad();
        // what the loader asked for is found in its sources too, so the source scan sees the real keys
        assertTrue(keysInSources().containsAll(asked), "source scan misses " + asked);
        assertTrue(asked.contains("switchboard.heartbeat.interval") && asked.size() >= 30,
                "the loader asked for " + asked);
    }

    static Set<String> keysRead() throws IOException {
        Set<String> keys = keysAskedAtLoad();
        keys.addAll(keysInSources());
        return keys;
    }

    /** The keys SettingsLoader asks its source for when nothing is set. */
    static Set<String> keysAskedAtLoad() {
        Set<String> asked = new TreeSet<>();
        SettingsLoader.load(key -> {
            asked.add(key);
            return Optional.empty();
        });
        return asked;
    }

    /** Every "switchboard.…" string literal in the config package's sources. */
    static Set<String> keysInSources() throws IOException {
        Set<String> keys = new TreeSet<>();
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = KEY_LITERAL.matcher(Files.readString(file));
                while (m.find()) {
                    keys.add(m.group(1));
                }
            }
        }
        return keys;
    }

    static Set<String> documentedKeys() throws IOException {
        Set<String> keys = new TreeSet<>();
        Matcher m = ROW_KEY.matcher(Files.readString(PAGE));
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }
}
