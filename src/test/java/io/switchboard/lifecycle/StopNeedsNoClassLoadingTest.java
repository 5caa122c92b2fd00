package io.switchboard.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The application's start prepares its stop: after {@link ApplicationClasses} and the drain's
 * rehearsal have run, a drain, its closes and its aborts run in a class loader that refuses every
 * further request, as Payara Micro's does once its shutdown hook has deleted the exploded application.
 * The application runs here in a class loader of its own over {@code target/classes}, the way the
 * container loads the WAR, so that what the test itself loaded does not count.
 */
class StopNeedsNoClassLoadingTest {

    private static final Path CLASSES = Path.of("target/classes");

    @Test
    void everyClassTheStopUsesIsLoadedAtStartAndTheDrainNeedsNoMore() throws Throwable {
        try (StoppableLoader app = new StoppableLoader(CLASSES.toUri().toURL(), getClass().getClassLoader())) {
            Function<String, Optional<String>> config = key -> Optional.ofNullable(Map.of(
                    "switchboard.node.id", "node-test",
                    "switchboard.shutdown.close-code", "4003").get(key));
            Object settings = app.loadClass("io.switchboard.config.SettingsLoader")
                    .getMethod("load", Function.class).invoke(null, config);
            Object codec = app.loadClass("io.switchboard.codec.JsonMessageCodec").getConstructor().newInstance();

            // what the application does when it starts: load its classes, build the hub, rehearse the drain
            Class<?> applicationClasses = app.loadClass("io.switchboard.lifecycle.ApplicationClasses");
            Method loadAll = applicationClasses.getDeclaredMethod("loadAll", ClassLoader.class, Function.class, String.class);
            loadAll.setAccessible(true);
            loadAll.invoke(null, app, (Function<String, Set<String>>) StopNeedsNoClassLoadingTest::resourcePaths, "/");
            Class<?> settingsType = app.loadClass("io.switchboard.core.Settings");
            Class<?> codecType = app.loadClass("io.switchboard.core.MessageCodec");
            app.loadClass("io.switchboard.core.StopRehearsal").getMethod("run", settingsType, codecType)
                    .invoke(null, settings, codec);

            for (String name : stopPathClasses()) {
                assertTrue(app.isLoaded(name), name + " is not loaded when the application has started");
            }

            // a node that has served nothing but handshakes: clients connected and welcomed, nothing closed
            Node node = new Node(app, settings, codec);
            for (int i = 0; i < 3; i++) {
                node.connect("user-" + i);
            }
            node.clients.get(2).answersClose = true;

            app.stop();
            node.drainToTheEnd();

            assertEquals(List.of(), app.refused, "classes the stop asked for after the class loader stopped");
            for (Client c : node.clients) {
                assertTrue(c.sent.get(c.sent.size() - 1).contains("\"type\":\"shutdown\""), c.sent.toString());
                assertEquals(List.of("4003 server shutting down"), c.closes);
            }
            assertEquals(2, node.clients.stream().mapToInt(c -> c.aborts).sum(), "the two that did not answer");
        }
    }

    @Test
    void theWalkFindsNestedAnonymousAndSwitchMapClasses() throws Exception {
        List<String> names = stopPathClasses();
        // LifecycleLog$1 holds the switch map of its switch over ConnectionState; Drain$Result is a nested record
        assertTrue(names.containsAll(List.of("io.switchboard.core.LifecycleLog$1", "io.switchboard.core.Drain$Result",
                "io.switchboard.core.ManagedConnection$CloseResult", "io.switchboard.lifecycle.DrainService",
                "io.switchboard.endpoint.JsrConnection", "io.switchboard.endpoint.ContainerAbort")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("io.switchboard.lifecycle.DrainOnStopInitializer$")),
                "the anonymous listener: " + names);
    }

    @Test
    void aClassThatExtendsAnAbsentContainerApiIsSkippedWithoutDefiningIt() throws Exception {
        try (URLClassLoader withoutTyrus = new URLClassLoader(new URL[] {CLASSES.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            assertTrue(!ApplicationClasses.supertypesVisible(withoutTyrus, "io.switchboard.endpoint.tyrus.TyrusDeflateExtension"));
            assertTrue(ApplicationClasses.supertypesVisible(withoutTyrus, "io.switchboard.core.Drain"));
            assertTrue(ApplicationClasses.supertypesVisible(withoutTyrus, "io.switchboard.core.Drain$Result"));
        }
    }

    /**
     * The classes the drain, close and abort paths can reach, from the compiled classes themselves:
     * the whole core, the lifecycle shell and the endpoint adapters (the WildFly activity and the Tyrus
     * extension link against their container's API, which this test's class path has for WildFly only).
     */
    private static List<String> stopPathClasses() throws Exception {
        try (Stream<Path> files = Files.walk(CLASSES.resolve("io/switchboard"))) {
            return files.map(p -> CLASSES.relativize(p).toString())
                    .filter(p -> p.endsWith(".class") && !p.endsWith("package-info.class"))
                    .filter(p -> p.startsWith("io/switchboard/core/") || p.startsWith("io/switchboard/lifecycle/")
                            || (p.startsWith("io/switchboard/endpoint/") && !p.contains("Tyrus")))
                    .map(p -> p.substring(0, p.length() - ".class".length()).replace('/', '.'))
                    .sorted().collect(Collectors.toList());
        }
    }

    /** {@code ServletContext.getResourcePaths} over target/classes, without the client (not in the WAR). */
    private static Set<String> resourcePaths(String folder) {
        Path dir = CLASSES.resolve(folder.substring(1));
        if (!Files.isDirectory(dir) || folder.equals("/io/switchboard/client/")) {
            return null;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> "/" + CLASSES.relativize(p) + (Files.isDirectory(p) ? "/" : ""))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A hub and a drain of the application's own classes, driven by reflection from outside. */
    private static final class Node {
        final StoppableLoader app;
        final Object hub;
        final Object drain;
        final Class<?> connectionType;
        final Class<?> handshakeType;
        // method handles, not Method.invoke, for the calls after the stop: the JDK turns a Method called
        // often into generated code that would ask this loader for classes of its own
        final MethodHandle completed;
        final MethodHandle onTransportClosed;
        final MethodHandle start;
        final MethodHandle advance;
        final Object done;
        final Object protocol;
        final List<Client> clients = new ArrayList<>();
        long now = 1_000_000_000L;

        Node(StoppableLoader app, Object settings, Object codec) throws Exception {
            this.app = app;
            Class<?> clockType = app.loadClass("io.switchboard.core.Clock");
            Object clock = Proxy.newProxyInstance(app, new Class<?>[] {clockType},
                    (proxy, method, args) -> method.getName().equals("nanoTime") ? now : now / 1_000_000L);
            Class<?> hubType = app.loadClass("io.switchboard.core.Hub");
            hub = hubType.getConstructor(app.loadClass("io.switchboard.core.Settings"),
                    clockType, app.loadClass("io.switchboard.core.MessageCodec")).newInstance(settings, clock, codec);
            Class<?> drainType = app.loadClass("io.switchboard.core.Drain");
            drain = hubType.getMethod("drain").invoke(hub);
            connectionType = app.loadClass("io.switchboard.core.Connection");
            handshakeType = app.loadClass("io.switchboard.core.HandshakeInfo");
            Class<?> modeType = app.loadClass("io.switchboard.core.HeartbeatMode");
            protocol = modeType.getField("PROTOCOL").get(null);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            completed = lookup.unreflect(app.loadClass("io.switchboard.core.Connection$SendCallback")
                    .getMethod("completed", Throwable.class));
            Class<?> managed = app.loadClass("io.switchboard.core.ManagedConnection");
            onTransportClosed = lookup.unreflect(hubType.getMethod("onTransportClosed", managed, int.class, String.class));
            start = lookup.unreflect(drainType.getMethod("start", String.class, long.class));
            advance = lookup.unreflect(drainType.getMethod("advance", long.class));
            done = Enum.valueOf(app.loadClass("io.switchboard.core.Drain$Phase").asSubclass(Enum.class), "DONE");
        }

        void connect(String user) throws Exception {
            Client client = new Client();
            Object transport = Proxy.newProxyInstance(app, new Class<?>[] {connectionType}, client);
            Object handshake = handshakeType.getConstructor(String.class, String.class, String.class, protocol.getClass())
                    .newInstance("127.0.0.1", "test", user, protocol);
            client.node = this;
            client.connection = hub.getClass().getMethod("open", connectionType, handshakeType).invoke(hub, transport, handshake);
            clients.add(client);
        }

        void drainToTheEnd() throws Throwable {
            start.invoke(drain, "server shutting down", now);
            for (int step = 0; step < 1_000 && advance.invoke(drain, now) != done; step++) {
                now += 50_000_000L;
            }
            assertEquals(done, advance.invoke(drain, now));
        }
    }

    /** One client's transport: writes every frame at once, records closes and aborts. */
    private static final class Client implements InvocationHandler {
        final List<String> sent = new ArrayList<>();
        final List<String> closes = new ArrayList<>();
        int aborts;
        boolean answersClose;
        Node node;
        Object connection;

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "sendText" -> {
                    sent.add((String) args[0]);
                    node.completed.invoke(args[1], (Throwable) null);
                }
                case "close" -> {
                    closes.add(args[0] + " " + args[1]);
                    if (answersClose) {
                        node.onTransportClosed.invoke(node.hub, connection, args[0], args[1]);
                    }
                }
                case "abort" -> aborts++;
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "toString" -> {
                    return "client";
                }
                default -> { }
            }
            return null;
        }
    }

    /**
     * Loads the application's classes itself, the way a web container does, and once stopped refuses
     * every request, whatever the class: the JVM asks only for classes this loader has not already
     * loaded or been asked for.
     */
    private static final class StoppableLoader extends URLClassLoader {
        final List<String> refused = Collections.synchronizedList(new ArrayList<>());
        private volatile boolean stopped;

        StoppableLoader(URL classes, ClassLoader parent) {
            super(new URL[] {classes}, parent);
        }

        void stop() {
            stopped = true;
        }

        boolean isLoaded(String name) {
            return findLoadedClass(name) != null;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                if (stopped) {
                    refused.add(name);
                    throw new ClassNotFoundException("the application's class loader is stopped: " + name);
                }
                Class<?> c = findLoadedClass(name);
                if (c == null && name.startsWith("io.switchboard.")) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException notOurs) {
                        c = null;
                    }
                }
                if (c == null) {
                    return super.loadClass(name, resolve);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
