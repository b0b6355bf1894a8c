package dev.skiff.maven;

import org.apache.maven.plugin.logging.Log;

/**
 * Shows build progress. On an interactive terminal the latest line is a footer rewritten in
 * place (Jib's rule); in batch mode ({@code -B}) or when output is redirected, every progress line
 * is a plain INFO line, so logs hold no escape codes.
 */
final class ProgressDisplay {
    private static final String ERASE_PREVIOUS = "\r\u001B[2K\u001B[1A\u001B[2K\r";
    private final Log log;
    private final boolean footer;
    private boolean footerShown;

    ProgressDisplay(Log log, boolean interactive) {
        this.log = log;
        this.footer = interactive && System.console() != null && System.getenv("TERM") != null
                && !"dumb".equals(System.getenv("TERM"));
    }

    void show(String line) {
        if (!footer) {
            log.info(line);
            return;
        }
        // Maven prints "[INFO] " before our text; erase that and the previous footer, then redraw.
        log.info((footerShown ? ERASE_PREVIOUS + "[INFO] " : "") + line);
        footerShown = true;
    }

    boolean usesFooter() {
        return footer;
    }
}
