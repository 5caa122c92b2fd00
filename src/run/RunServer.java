import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The launcher behind {@code mvn -Prun} and {@code mvn -Prun-wildfly}, run by the JDK as a single
 * source file ({@code java src/run/RunServer.java [--dry-run] <server command...>}); never part of the
 * WAR. It starts the server command with two development settings, the JWT secret and the admin
 * token, given as environment variables only when the user has not set them, so that the user's
 * environment always wins over the development defaults (MicroProfile Config ranks a system property
 * above the environment, so passing the defaults as {@code -D} would silently override the user).
 * It says which value is in force and shows a value only when it is the development one.
 *
 * <p>Ctrl-C reaches the server too (same process group); the launcher waits for it to finish its
 * shutdown and then ends with status 0, so that Maven does not report the normal way of stopping a
 * development server as a failed build.
 */
public final class RunServer {

    /** Development values: published in the README, so they protect nothing. */
    static final Map<String, String> DEVELOPMENT = Map.of(
            "switchboard.auth.jwt.secret", "switchboard-dev-only-secret-not-for-production",
            "switchboard.admin.token", "dev-admin-token");

    public static void main(String[] args) throws Exception {
        boolean dryRun = args.length > 0 && args[0].equals("--dry-run");
        List<String> command = List.of(args).subList(dryRun ? 1 : 0, args.length);
        if (command.isEmpty()) {
            System.err.println("usage: java RunServer.java [--dry-run] <server command...>");
            System.exit(2);
        }
        ProcessBuilder server = new ProcessBuilder(command).inheritIO();
        Map<String, String> env = server.environment();
        System.out.println("[switchboard] development run; settings in force:");
        for (String key : new String[] {"switchboard.auth.jwt.secret", "switchboard.admin.token"}) {
            System.out.println("[switchboard]   " + describe(key, env));
        }
        System.out.flush();
        if (dryRun) {
            return;
        }
        Process process = server.start();
        Thread stopper = new Thread(() -> stop(process), "stop-server");
        Runtime.getRuntime().addShutdownHook(stopper);
        int status = process.waitFor();
        try {
            Runtime.getRuntime().removeShutdownHook(stopper);
        } catch (IllegalStateException shuttingDown) {
            return; // stopped by a signal: the hook ends the launcher
        }
        System.exit(status); // the server ended on its own: pass its status on
    }

    /**
     * One line about {@code key}: where its value comes from, and the value itself only when it is
     * the development one. Sets the development value in {@code env} when the user gave none.
     */
    static String describe(String key, Map<String, String> env) {
        String development = DEVELOPMENT.get(key);
        String userVariable = null;
        for (String name : environmentNames(key)) {
            if (env.containsKey(name)) {
                userVariable = name;
                break;
            }
        }
        if (userVariable == null) {
            String name = environmentNames(key).get(2);
            env.put(name, development);
            return key + " = \"" + development + "\" (development value; set " + name
                    + " to use your own)";
        }
        String value = env.get(userVariable);
        if (value.isBlank()) {
            return key + " is unset: " + userVariable + " is empty"
                    + (key.equals("switchboard.admin.token") ? " (the admin API answers 404)" : "");
        }
        if (value.trim().equals(development)) {
            return key + " = \"" + development + "\" (the development value, from " + userVariable + ")";
        }
        return key + " from " + userVariable + " (value not shown)";
    }

    /** The names MicroProfile Config looks up for a key in the environment, in its order. */
    static List<String> environmentNames(String key) {
        List<String> names = new ArrayList<>(3);
        names.add(key);
        String sanitized = key.replaceAll("[^A-Za-z0-9]", "_");
        names.add(sanitized);
        names.add(sanitized.toUpperCase(Locale.ROOT));
        return names;
    }

    /** On Ctrl-C or SIGTERM: let the server finish its own shutdown, then end without an error status. */
    private static void stop(Process process) {
        // WildFly's standalone.sh may end before its server JVM: wait for the whole tree
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        if (process.isAlive()) {
            process.destroy(); // SIGTERM, in case the signal was sent to this process alone
        }
        tree.add(0, process.toHandle());
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(90, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
        System.out.println("[switchboard] server stopped");
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
