package org.vanycast.mipv6.internal.kernel;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** JNA binding to libnftables. Package-private: use {@link Nftables}. */
interface NftLib extends Library {
    NftLib INSTANCE = Native.load("nftables", NftLib.class);

    Pointer nft_ctx_new(int flags);

    void nft_ctx_free(Pointer ctx);

    int nft_ctx_buffer_output(Pointer ctx);

    int nft_ctx_buffer_error(Pointer ctx);

    String nft_ctx_get_error_buffer(Pointer ctx);

    String nft_ctx_get_output_buffer(Pointer ctx);

    int nft_run_cmd_from_buffer(Pointer ctx, String buf);
}
