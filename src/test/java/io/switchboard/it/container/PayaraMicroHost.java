package io.switchboard.it.container;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;

/**
 * The main class of the Payara Micro that {@link SharedPayaraMicroContainer} starts once per failsafe run:
 * it boots Payara Micro with its ordinary command-line options (through the launcher that
 * {@code java -jar payara-micro.jar} uses), then deploys and undeploys WARs at run time through the
 * documented {@code PayaraMicroRuntime} API, one command per line on a loopback socket:
 * <pre>
 *   deploy NAME CONTEXT-ROOT FILE   ->  ok | failed
 *   undeploy NAME                   ->  ok | failed ...
 *   deployed                        ->  ok NAME ...
 * </pre>
 * Run with {@code payara-micro.jar} and this class alone on the class path:
 * {@code java -cp payara-micro.jar:DIR io.switchboard.it.container.PayaraMicroHost PORT-FILE PAYARA-OPTIONS...}.
 * The runtime API is called by reflection, so the test build needs no Payara Micro on its class path;
 * the class has no nested classes, so that one class file is all it takes.
 */
public final class PayaraMicroHost {

    private PayaraMicroHost() {
    }

    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws Exception {
        Path portFile = Path.of(args[0]);
        String[] options = Arrays.copyOfRange(args, 1, args.length);

        // boots the server exactly as `java -jar payara-micro.jar OPTIONS` does; exits the JVM if it cannot
        Class.forName("fish.payara.micro.boot.PayaraMicroLauncher").getMethod("main", String[].class)
                .invoke(null, (Object) options);
        Object micro = Class.forName("fish.payara.micro.PayaraMicro").getMethod("getInstance").invoke(null);
        Object runtime = micro.getClass().getMethod("getRuntime").invoke(micro);
        Class<?> api = Class.forName("fish.payara.micro.PayaraMicroRuntime");
        Method deploy = api.getMethod("deploy", String.class, String.class, File.class);
        Method undeploy = api.getMethod("undeploy", String.class);
        Method deployed = api.getMethod("getDeployedApplicationNames");

        try (ServerSocket control = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path written = Path.of(portFile + ".tmp");
            Files.writeString(written, String.valueOf(control.getLocalPort()));
            Files.move(written, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            while (true) {
                try (Socket socket = control.accept();
                     BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                     PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8)) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        String[] command = line.split(" ", 4);
                        String answer;
                        try {
                            switch (command[0]) {
                                case "deploy" -> answer = Boolean.TRUE.equals(deploy.invoke(runtime, command[1], command[2], new File(command[3])))
                                        ? "ok" : "failed";
                                case "undeploy" -> {
                                    undeploy.invoke(runtime, command[1]);
                                    answer = "ok";
                                }
                                case "deployed" -> answer = ("ok " + String.join(" ", (Collection<String>) deployed.invoke(runtime))).trim();
                                default -> answer = "failed unknown command " + command[0];
                            }
                        } catch (ReflectiveOperationException | RuntimeException e) {
                            Throwable cause = e.getCause() == null ? e : e.getCause();
                            cause.printStackTrace();
                            answer = "failed " + cause.toString().replace('\n', ' ');
                        }
                        out.println(answer);
                    }
                }
            }
        }
    }
}
