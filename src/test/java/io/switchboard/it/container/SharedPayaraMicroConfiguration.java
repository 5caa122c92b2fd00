package io.switchboard.it.container;

import java.io.File;
import org.jboss.arquillian.container.spi.ConfigurationException;
import org.jboss.arquillian.container.spi.client.container.ContainerConfiguration;

/** The {@code payara} container's properties in arquillian.xml. */
public class SharedPayaraMicroConfiguration implements ContainerConfiguration {

    private String microJar;
    private int startupTimeoutInSeconds = 240;
    /** Seconds an undeploy may take: the drain of the WAR's clients (up to its drain-timeout) comes first. */
    private int undeployTimeoutInSeconds = 300;
    private String cmdOptions = "";
    private String extraMicroOptions = "";
    /** 0: a free port, chosen again at every (re)start. */
    private int httpPort;
    private String contextRoot = "/";
    private String workDir = "target/payara-micro-it";

    @Override
    public void validate() throws ConfigurationException {
        if (microJar == null || !new File(microJar).isFile()) {
            throw new ConfigurationException("microJar " + microJar + " is not a file: run the container tests through `mvn verify`");
        }
    }

    public String getMicroJar() {
        return microJar;
    }

    public void setMicroJar(String microJar) {
        this.microJar = microJar;
    }

    public int getStartupTimeoutInSeconds() {
        return startupTimeoutInSeconds;
    }

    public void setStartupTimeoutInSeconds(int startupTimeoutInSeconds) {
        this.startupTimeoutInSeconds = startupTimeoutInSeconds;
    }

    public int getUndeployTimeoutInSeconds() {
        return undeployTimeoutInSeconds;
    }

    public void setUndeployTimeoutInSeconds(int undeployTimeoutInSeconds) {
        this.undeployTimeoutInSeconds = undeployTimeoutInSeconds;
    }

    public String getCmdOptions() {
        return cmdOptions;
    }

    public void setCmdOptions(String cmdOptions) {
        this.cmdOptions = cmdOptions;
    }

    public String getExtraMicroOptions() {
        return extraMicroOptions;
    }

    public void setExtraMicroOptions(String extraMicroOptions) {
        this.extraMicroOptions = extraMicroOptions;
    }

    public int getHttpPort() {
        return httpPort;
    }

    public void setHttpPort(int httpPort) {
        this.httpPort = httpPort;
    }

    public String getContextRoot() {
        return contextRoot;
    }

    public void setContextRoot(String contextRoot) {
        this.contextRoot = contextRoot;
    }

    public String getWorkDir() {
        return workDir;
    }

    public void setWorkDir(String workDir) {
        this.workDir = workDir;
    }
}
