package dev.remit.spi;

import dev.remit.Credential;

/**
 * Mints the short-lived credential an allowed call needs, when its decision carries an
 * {@link dev.remit.Obligation.MintCredential} obligation (declared by the grant's
 * {@code credential}). Configure one with {@code Remit.builder().credentialBroker(broker)}; the
 * enforcement point ({@link dev.remit.Guard}, the framework interceptors) asks for the credential
 * through {@link dev.remit.Authorizer#credentials} just before the tool runs and hands it to the
 * tool through its context — never through the model's arguments.
 *
 * <p>Called on the thread that runs the tool, once per obligation. A broker that throws stops the
 * call (fail closed): the tool does not run without the credential its grant says it needs. The
 * credential's id (never its secret) is recorded in the audit trail.
 */
@FunctionalInterface
public interface CredentialBroker {
  /**
   * Returns a credential for the call, valid at most {@code request.obligation().ttl()}.
   *
   * @throws Exception if no credential can be minted; the call does not run
   */
  Credential mint(CredentialRequest request) throws Exception;
}
