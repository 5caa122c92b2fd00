package io.switchboard.it.container;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.spi.client.container.LifecycleException;
import org.jboss.arquillian.container.spi.client.protocol.ProtocolDescription;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.container.spi.client.protocol.metadata.Servlet;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.descriptor.api.Descriptor;

/**
 * The Arquillian container of the Payara run: ONE Payara Micro process for the whole failsafe run, into
 * which each test class's WAR is deployed and from which it is undeployed again, as the WildFly run
 * does with its managed WildFly. Each class's settings travel inside its WAR
 * (META-INF/microprofile-config.properties, see Deployments), so nothing about the server changes
 * between classes. Undeploying stops the application, which drains its clients just as a stop does.
 *
 * <p>The process runs {@link PayaraMicroHost} with payara-micro.jar on its class path, started with the
 * options of arquillian.xml. Its output goes to {@code target/payara-micro-it/server-N.log} and to this
 * JVM's standard output, which failsafe files with the test class that is running. A class must not
 * spoil the next: when the process has died, when a deploy fails, or when an undeploy fails, times out
 * or leaves an application behind, the process is ended and the next deploy starts a fresh one (a
 * failed deploy is retried once on the fresh process, and fails the class if it fails there too).
 */
public class SharedPayaraMicroContainer implements DeployableContainer<SharedPayaraMicroConfiguration> {

    private static final String HOST = "127.0.0.1";

    private SharedPayaraMicroConfiguration configuration;
    private Process process;
    private Socket control;
    private BufferedReader answers;
    private PrintWriter commands;
    private int httpPort;
    private int starts;
    private final Deque<String> recentOutput = new ArrayDeque<>();

    @Override
    public Class<SharedPayaraMicroConfiguration> getConfigurationClass() {
        return SharedPayaraMicroConfiguration.class;
    }

    @Override
    public void setup(SharedPayaraMicroConfiguration configuration) {
        this.configuration = configuration;
    }

    @Override
    public ProtocolDescription getDefaultProtocol() {
        // every deployment is testable = false: the tests talk to the server as clients
        return new ProtocolDescription("Local");
    }

    @Override
    public void start() throws LifecycleException {
        try {
            startServer();
        } catch (Exception e) {
            stopServer();
            throw new LifecycleException("Payara Micro did not start; see " + log(starts), e);
        }
    }

    @Override
    public void stop() {
        stopServer();
    }

    @Override
    public ProtocolMetaData deploy(Archive<?> archive) throws DeploymentException {
        String name = applicationName(archive);
        File war = Path.of(configuration.workDir, "deployments", archive.getName()).toFile();
        war.getParentFile().mkdirs();
        archive.as(ZipExporter.class).exportTo(war, true);
        String failure;
        try {
            if (!running()) {
                restart("the server is not running");
            }
            failure = deployOnce(name, war);
            if (failure != null) {
                System.err.println("[payara-micro-it] deploying " + name + " failed (" + failure + "); retrying once on a fresh server");
                restart("a deploy failed");
                failure = deployOnce(name, war);
            }
        } catch (Exception e) {
            stopServer();
            throw new DeploymentException("could not deploy " + name + "; see " + log(starts) + "\n" + tail(), e);
        }
        if (failure != null) {
            stopServer();
            throw new DeploymentException("could not deploy " + name + ": " + failure + "; see " + log(starts) + "\n" + tail());
        }
        HTTPContext context = new HTTPContext(HOST, httpPort);
        context.add(new Servlet("switchboard", configuration.contextRoot));
        ProtocolMetaData metaData = new ProtocolMetaData();
        metaData.addContext(context);
        return metaData;
    }

    @Override
    public void undeploy(Archive<?> archive) throws DeploymentException {
        String name = applicationName(archive);
        if (!running()) {
            return;
        }
        try {
            String answer = command("undeploy " + name, configuration.undeployTimeoutInSeconds);
            String left = command("deployed", 30);
            if (!answer.equals("ok") || !left.equals("ok")) {
                throw new IOException("undeploy answered '" + answer + "', still deployed: '" + left + "'");
            }
        } catch (Exception e) {
            // the next class gets a fresh server; this one's undeploy is reported
            stopServer();
            throw new DeploymentException("could not undeploy " + name + "; see " + log(starts), e);
        }
    }

    @Override
    public void deploy(Descriptor descriptor) {
        throw new UnsupportedOperationException("descriptors are not deployed");
    }

    @Override
    public void undeploy(Descriptor descriptor) {
        throw new UnsupportedOperationException("descriptors are not deployed");
    }

    private static String applicationName(Archive<?> archive) {
        return archive.getName().replaceFirst("\\.war$", "");
    }

    private String deployOnce(String name, File war) throws IOException {
        String answer = command("deploy " + name + " " + configuration.contextRoot + " " + war.getAbsolutePath(),
                configuration.startupTimeoutInSeconds);
        return answer.equals("ok") ? null : answer;
    }

    private boolean running() {
        return process != null && process.isAlive() && control != null;
    }

    private void restart(String why) throws Exception {
        System.err.println("[payara-micro-it] restarting Payara Micro: " + why);
        stopServer();
        startServer();
    }

    private Path log(int start) {
        return Path.of(configuration.workDir, "server-" + start + ".log");
    }

    private void startServer() throws Exception {
        starts++;
        Path work = Path.of(configuration.workDir).toAbsolutePath();
        Path classes = work.resolve("host-classes");
        Path hostClass = classes.resolve(PayaraMicroHost.class.getName().replace('.', '/') + ".class");
        Files.createDirectories(hostClass.getParent());
        try (InputStream in = PayaraMicroHost.class.getResourceAsStream(PayaraMicroHost.class.getSimpleName() + ".class")) {
            Files.write(hostClass, in.readAllBytes());
        }
        Path portFile = work.resolve("control-port-" + starts);
        Files.deleteIfExists(portFile);
        httpPort = configuration.httpPort > 0 ? configuration.httpPort : freePort();

        String jar = new File(configuration.microJar).getAbsolutePath();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(words(configuration.cmdOptions));
        command.addAll(manifestOpens(jar));
        command.addAll(List.of("-cp", jar + File.pathSeparator + classes, PayaraMicroHost.class.getName(), portFile.toString(),
                "--nocluster", "--port", String.valueOf(httpPort), "--rootdir", work.resolve("root-" + starts).toString()));
        command.addAll(words(configuration.extraMicroOptions));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        copyOutput(process, log(starts));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(configuration.startupTimeoutInSeconds);
        while (!Files.isRegularFile(portFile)) {
            if (!process.isAlive()) {
                throw new IOException("Payara Micro exited with " + process.exitValue() + "\n" + tail());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("Payara Micro did not start within " + configuration.startupTimeoutInSeconds + " s\n" + tail());
            }
            Thread.sleep(100);
        }
        control = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(Files.readString(portFile).trim()));
        answers = new BufferedReader(new InputStreamReader(control.getInputStream(), StandardCharsets.UTF_8));
        commands = new PrintWriter(control.getOutputStream(), true, StandardCharsets.UTF_8);
        System.err.println("[payara-micro-it] Payara Micro is up on port " + httpPort + " (log " + log(starts) + ")");
    }

    private String command(String line, int timeoutSeconds) throws IOException {
        control.setSoTimeout((int) TimeUnit.SECONDS.toMillis(timeoutSeconds));
        commands.println(line);
        try {
            String answer = answers.readLine();
            if (answer == null) {
                throw new IOException("Payara Micro closed its control connection (alive: " + process.isAlive() + ")");
            }
            return answer;
        } catch (SocketTimeoutException e) {
            throw new IOException("no answer to '" + line + "' within " + timeoutSeconds + " s", e);
        }
    }

    private void stopServer() {
        if (control != null) {
            try {
                control.close();
            } catch (IOException ignored) {
                // the process goes anyway
            }
            control = null;
        }
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Copies the server's output, line by line, to its log file and to standard output (the running class's report). */
    private void copyOutput(Process server, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        PrintStream log = new PrintStream(Files.newOutputStream(file), true, StandardCharsets.UTF_8);
        Thread copier = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    log.println(line);
                    System.out.println(line);
                    synchronized (recentOutput) {
                        recentOutput.addLast(line);
                        if (recentOutput.size() > 40) {
                            recentOutput.removeFirst();
                        }
                    }
                }
            } catch (IOException ended) {
                // the process is gone
            } finally {
                log.close();
            }
        }, "payara-micro-it output");
        copier.setDaemon(true);
        copier.start();
    }

    private String tail() {
        synchronized (recentOutput) {
            return String.join("\n", recentOutput);
        }
    }

    /** The manifest's Add-Opens and Add-Exports, which apply to {@code java -jar} only, as command-line options. */
    private static List<String> manifestOpens(String jar) throws IOException {
        List<String> options = new ArrayList<>();
        try (JarFile file = new JarFile(jar)) {
            var attributes = file.getManifest().getMainAttributes();
            for (String kind : List.of("Add-Opens", "Add-Exports")) {
                String value = attributes.getValue(kind);
                if (value != null) {
                    for (String target : words(value)) {
                        options.add("--" + kind.toLowerCase() + "=" + target + "=ALL-UNNAMED");
                    }
                }
            }
        }
        return options;
    }

    private static List<String> words(String value) {
        return value == null || value.isBlank() ? List.of() : Arrays.asList(value.trim().split("\\s+"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
