/**
 * The admin and publish API under {@code /api} (operations.md): JAX-RS resources that read
 * and act on the core through {@link io.switchboard.lifecycle.SwitchboardRuntime}, behind a bearer
 * admin token. JSON through JSON-B; every error is a JSON body with a clear status, never a stack trace.
 */
package io.switchboard.admin;
