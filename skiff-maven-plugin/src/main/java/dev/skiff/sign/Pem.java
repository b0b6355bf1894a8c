package dev.skiff.sign;

import dev.skiff.SkiffException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** PEM blocks ({@code -----BEGIN X-----} base64 {@code -----END X-----}) of a key file. */
record Pem(String label, byte[] der, int line) {

    /** Key files are tiny; anything larger is not a key file (and is not read into memory). */
    private static final long MAX_BYTES = 1 << 20;

    /**
     * @param what what the file should be, for messages ("the signing key skiff.signingKey")
     */
    static List<Pem> read(Path file, String what) {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new SkiffException(what + " " + file + " is larger than 1 MiB, so it is not a"
                        + " PEM key file. Name the .pem file itself.");
            }
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new SkiffException(what + " " + file + " does not exist. Check the path (relative"
                    + " paths are resolved against the project directory).", e);
        } catch (IOException e) {
            throw new SkiffException("Cannot read " + what + " " + file + ": " + e.getMessage()
                    + ". Is it a PEM text file you may read?", e);
        }
        List<Pem> blocks = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        String label = null;
        int start = 0;
        StringBuilder b64 = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (label == null) {
                if (l.startsWith("-----BEGIN ") && l.endsWith("-----")) {
                    label = l.substring("-----BEGIN ".length(), l.length() - 5);
                    start = i + 1;
                    b64.setLength(0);
                }
            } else if (l.equals("-----END " + label + "-----")) {
                byte[] der;
                try {
                    der = Base64.getMimeDecoder().decode(b64.toString());
                } catch (IllegalArgumentException e) {
                    throw new SkiffException(what + " " + file + " line " + start + ": the "
                            + label + " block is not valid base64 (" + e.getMessage() + "). The"
                            + " file is damaged; export the key again.", e);
                }
                blocks.add(new Pem(label, der, start));
                label = null;
            } else if (l.contains(":")) {
                // RFC 1421 headers ("Proc-Type: 4,ENCRYPTED") mark OpenSSL's legacy encryption.
                throw new SkiffException(what + " " + file + " line " + (i + 1) + ": '" + l
                        + "' is a legacy OpenSSL encryption header, which is not PKCS#8. Convert"
                        + " the key: openssl pkcs8 -topk8 -in old.pem -out key.pem");
            } else {
                b64.append(l);
            }
        }
        if (label != null) {
            throw new SkiffException(what + " " + file + " line " + start + ": the " + label
                    + " block has no '-----END " + label + "-----' line. The file is cut short;"
                    + " export the key again.");
        }
        if (blocks.isEmpty()) {
            throw new SkiffException(what + " " + file + " holds no PEM block (no '-----BEGIN"
                    + " ...-----' line), so it is not a PEM key file.");
        }
        return blocks;
    }
}
