/**
 * Ed25519 keys for signed image bundles, with the JDK's own EdDSA (no native tools, no
 * BouncyCastle): PKCS#8 PEM private keys (plain or encrypted) to sign with, and files of PEM
 * public keys to trust. Pure Java; the Maven side only resolves where keys and passphrases come
 * from (a settings.xml server) and passes plain values.
 */
package dev.skiff.sign;
