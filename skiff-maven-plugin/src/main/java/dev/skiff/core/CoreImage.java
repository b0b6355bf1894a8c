package dev.skiff.core;

/**
 * Where an image comes from: pulled from a registry, built from a source directory, or both
 * (build when the pull fails, as the policy says).
 *
 * @param pullPolicy always, ifNotExists, never or ifBuildFails; null when the image is only built
 * @param buildSource a directory on the device (or URL) holding a Dockerfile; null when only pulled
 */
public record CoreImage(String reference, String pullPolicy, String registry, String buildSource, String dockerfile) {}
