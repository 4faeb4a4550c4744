package org.vanycast.tcp.internal.kernel;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/** Direct-mapped libnftables (the library behind the {@code nft} tool), package-private. */
final class NftLib {
    static final int NFT_CTX_DEFAULT = 0;

    static {
        Native.register(NftLib.class, NativeLibrary.getInstance("nftables"));
    }

    private NftLib() {
    }

    static native Pointer nft_ctx_new(int flags);

    static native void nft_ctx_free(Pointer ctx);

    static native int nft_ctx_buffer_output(Pointer ctx);

    static native int nft_ctx_buffer_error(Pointer ctx);

    static native String nft_ctx_get_error_buffer(Pointer ctx);

    static native String nft_ctx_get_output_buffer(Pointer ctx);

    static native int nft_run_cmd_from_buffer(Pointer ctx, String buf);
}
