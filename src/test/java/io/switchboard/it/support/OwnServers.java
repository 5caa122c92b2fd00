package io.switchboard.it.support;

/**
 * The classes that start servers of their own ({@link io.switchboard.it.ServerProcess}: SIGTERM, freeze,
 * kill, restart, cluster) take this JUnit resource lock and run concurrently with the rest. In the Payara
 * run (pom.xml, execution it-payara, JUnit's parallel execution with classes in the same thread by
 * default) they run one at a time next to the classes on the shared Payara Micro, instead of after
 * them; elsewhere parallel execution is off and they run in turn like every class.
 */
public final class OwnServers {

    public static final String LOCK = "switchboard-own-server-processes";

    private OwnServers() {
    }
}
