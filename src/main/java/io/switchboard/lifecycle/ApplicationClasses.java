package io.switchboard.lifecycle;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Loads and initialises every class of the application when it starts, so that stopping it needs no
 * class loading at all. A stopping container may no longer load classes for the application: Payara
 * Micro deletes the exploded application (its runtime directory) in a shutdown hook of its own while
 * Switchboard's drain runs in another, so a class first needed by the drain, a close or an abort after
 * SIGTERM is a {@code NoClassDefFoundError} and the clients get the container's 1000 or 1006 instead of
 * our notice and close code. No list of classes to keep up to date: everything under
 * {@code WEB-INF/classes} is loaded, nested, anonymous and synthetic classes included; what links against
 * the other container's API (the WildFly suspend activity on Payara, the Tyrus extension on WildFly) is
 * skipped. {@link io.switchboard.core.StopRehearsal} links the stop path's code beside it.
 */
final class ApplicationClasses {

    private static final Logger LOG = Logger.getLogger(ApplicationClasses.class.getName());

    /** The outcome: the classes loaded and initialised, and those this container cannot load. */
    record Loaded(List<String> loaded, List<String> skipped) { }

    private ApplicationClasses() {
    }

    /**
     * @param loader the application's class loader
     * @param list   the resource paths directly under a folder path ({@code ServletContext.getResourcePaths}:
     *               folders end with {@code /}); null or empty for none
     * @param root   the folder of the class files, ending with {@code /}, such as {@code /WEB-INF/classes/}
     */
    static Loaded loadAll(ClassLoader loader, Function<String, Set<String>> list, String root) {
        List<String> names = new ArrayList<>();
        collect(list, root, root, names);
        List<String> loaded = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String name : names) {
            try {
                if (!supertypesVisible(loader, name)) {
                    // defining it would fail (and WildFly's module loader would log a warning for it)
                    skipped.add(name);
                    continue;
                }
                Class.forName(name, true, loader);
                loaded.add(name);
            } catch (ClassNotFoundException | LinkageError e) {
                skipped.add(name);
                if (LOG.isLoggable(Level.FINE)) {
                    LOG.fine("not loaded at start (not for this container): " + name + ": " + e);
                }
            }
        }
        return new Loaded(loaded, skipped);
    }

    /**
     * Whether the superclass and interfaces named in the class file can be found by {@code loader}: false for
     * a class that extends another container's API (the Tyrus extension on WildFly, the WildFly activator on
     * Payara). Reads the class file's constant pool (JVM specification, section 4.4) rather than defining it.
     */
    static boolean supertypesVisible(ClassLoader loader, String name) {
        try (InputStream in = loader.getResourceAsStream(name.replace('.', '/') + ".class")) {
            if (in == null) {
                return true; // let Class.forName tell
            }
            DataInputStream data = new DataInputStream(new BufferedInputStream(in));
            data.readInt(); // magic
            data.readUnsignedShort();
            data.readUnsignedShort();
            int count = data.readUnsignedShort();
            String[] utf8 = new String[count];
            int[] classNames = new int[count];
            for (int i = 1; i < count; i++) {
                int tag = data.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = data.readUTF();
                    case 7 -> classNames[i] = data.readUnsignedShort();
                    case 8, 16, 19, 20 -> data.readUnsignedShort();
                    case 15 -> data.skipBytes(3);
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> data.readInt();
                    case 5, 6 -> {
                        data.readLong();
                        i++; // takes two entries
                    }
                    default -> {
                        return true; // a constant this reader does not know: let Class.forName tell
                    }
                }
            }
            data.readUnsignedShort(); // access flags
            data.readUnsignedShort(); // this class
            List<Integer> supertypes = new ArrayList<>();
            supertypes.add(data.readUnsignedShort());
            int interfaces = data.readUnsignedShort();
            for (int i = 0; i < interfaces; i++) {
                supertypes.add(data.readUnsignedShort());
            }
            for (int index : supertypes) {
                String type = index == 0 ? null : utf8[classNames[index]];
                if (type != null && !type.startsWith("java/") && loader.getResource(type + ".class") == null) {
                    return false;
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    private static void collect(Function<String, Set<String>> list, String root, String folder, List<String> names) {
        Set<String> entries = list.apply(folder);
        if (entries == null) {
            return;
        }
        for (String path : new TreeSet<>(entries)) {
            if (path.endsWith("/")) {
                collect(list, root, path, names);
            } else if (path.endsWith(".class") && path.startsWith(root) && !path.endsWith("module-info.class")
                    && !path.endsWith("package-info.class")) {
                names.add(path.substring(root.length(), path.length() - ".class".length()).replace('/', '.'));
            }
        }
    }
}
