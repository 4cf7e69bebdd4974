package io.palisade.kit.auth;

import io.smallrye.mutiny.Uni;
import java.security.PublicKey;

/**
 * Where the public keys that verify operator access tokens come from: tenant-service reads its
 * own signing keys; other services read tenant-service's JWKS. Keys rotate, so a source must
 * answer a key id it has not seen yet by looking again (within reason).
 */
public interface TokenKeySource {

    /** The RSA public key with this {@code kid}, or a null item when there is none. */
    Uni<PublicKey> find(String keyId);
}
