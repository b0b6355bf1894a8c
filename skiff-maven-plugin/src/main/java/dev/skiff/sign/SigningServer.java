package dev.skiff.sign;

/**
 * A settings.xml {@code <server>} entry used for signing, already decrypted by the caller.
 *
 * @param privateKey the {@code <privateKey>} path, or null
 * @param passphrase the {@code <passphrase>}, or null
 */
public record SigningServer(String id, String privateKey, String passphrase) {}
