package io.switchboard.it.container;

import java.io.File;
import org.jboss.arquillian.container.spi.ConfigurationException;
import org.jboss.arquillian.container.spi.client.container.ContainerConfiguration;

/** The {@code payara} container's properties in arquillian.xml (Arquillian calls the setters; the container reads the fields). */
public class SharedPayaraMicroConfiguration implements ContainerConfiguration {

    String microJar;
    int startupTimeoutInSeconds = 240;
    /** Seconds an undeploy may take: the drain of the WAR's clients (up to its drain-timeout) comes first. */
    int undeployTimeoutInSeconds = 300;
    String cmdOptions = "";
    String extraMicroOptions = "";
    /** 0: a free port, chosen again at every (re)start. */
    int httpPort;
    String contextRoot = "/";
    String workDir = "target/payara-micro-it";

    @Override
    public void validate() throws ConfigurationException {
        if (microJar == null || !new File(microJar).isFile()) {
            throw new ConfigurationException("microJar " + microJar + " is not a file: run the container tests through `mvn verify`");
        }
    }

    public void setMicroJar(String microJar) {
        this.microJar = microJar;
    }

    public void setStartupTimeoutInSeconds(int startupTimeoutInSeconds) {
        this.startupTimeoutInSeconds = startupTimeoutInSeconds;
    }

    public void setUndeployTimeoutInSeconds(int undeployTimeoutInSeconds) {
        this.undeployTimeoutInSeconds = undeployTimeoutInSeconds;
    }

    public void setCmdOptions(String cmdOptions) {
        this.cmdOptions = cmdOptions;
    }

    public void setExtraMicroOptions(String extraMicroOptions) {
        this.extraMicroOptions = extraMicroOptions;
    }

    public void setHttpPort(int httpPort) {
        this.httpPort = httpPort;
    }

    public void setContextRoot(String contextRoot) {
        this.contextRoot = contextRoot;
    }

    public void setWorkDir(String workDir) {
        this.workDir = workDir;
    }
}
