package io.switchboard.admin;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Mounts the admin and publish API at {@code /api}. */
@ApplicationPath("api")
public class AdminApplication extends Application {
}
