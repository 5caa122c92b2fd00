/**
 * MicroProfile Health checks (operations.md). Each carries its figures as data, so a
 * probe's answer says why it is UP or DOWN.
 */
package io.switchboard.health;
