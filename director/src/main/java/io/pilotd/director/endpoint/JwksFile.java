package io.pilotd.director.endpoint;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.ParseException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An issuer's keys from a JWK Set file, read again when the file changes (its modification
 * time or size): an operator who rotates the file needs no restart. A file that cannot be read
 * or parsed keeps the keys read last, with a warning.
 */
final class JwksFile implements JWKSource<SecurityContext> {
    private static final Logger log = LoggerFactory.getLogger(JwksFile.class);

    private record Read(long modified, long size, JWKSet keys) {
    }

    private final Path file;
    private volatile Read last;

    JwksFile(Path file) {
        this.file = file;
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        return selector.select(keys());
    }

    private JWKSet keys() throws KeySourceException {
        Read read = last;
        try {
            BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
            if (read != null && read.modified() == now.lastModifiedTime().toMillis() && read.size() == now.size()) {
                return read.keys();
            }
            JWKSet keys = JWKSet.load(file.toFile());
            last = new Read(now.lastModifiedTime().toMillis(), now.size(), keys);
            log.info("endpoint: {} read: {} key(s) {}", file, keys.size(), keys.getKeys().stream().map(JWK::getKeyID).toList());
            return keys;
        } catch (IOException | ParseException e) {
            if (read == null) {
                throw new KeySourceException(file + " cannot be read as a JWK Set: " + e.getMessage(), e);
            }
            log.warn("endpoint: {} cannot be read as a JWK Set ({}): the keys read before stay in use", file, e.getMessage());
            return read.keys();
        }
    }
}
