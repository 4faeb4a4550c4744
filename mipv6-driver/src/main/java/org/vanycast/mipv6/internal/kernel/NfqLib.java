package org.vanycast.mipv6.internal.kernel;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/** JNA binding to libnetfilter_queue's classic API. Package-private: use {@link NfQueue}. */
interface NfqLib extends Library {
    NfqLib INSTANCE = Native.load("netfilter_queue", NfqLib.class);

    int NFQNL_COPY_PACKET = 2;
    int NF_DROP = 0;
    int NF_ACCEPT = 1;
    int NFQA_CFG_F_FAIL_OPEN = 1;

    Pointer nfq_open();

    int nfq_close(Pointer h);

    int nfq_bind_pf(Pointer h, short pf);

    Pointer nfq_create_queue(Pointer h, short num, NfqCallback cb, Pointer data);

    int nfq_destroy_queue(Pointer qh);

    int nfq_set_mode(Pointer qh, byte mode, int range);

    int nfq_set_queue_maxlen(Pointer qh, int queuelen);

    int nfq_set_queue_flags(Pointer qh, int mask, int flags);

    int nfq_fd(Pointer h);

    int nfq_handle_packet(Pointer h, Pointer buf, int len);

    int nfq_set_verdict(Pointer qh, int id, int verdict, int dataLen, byte[] buf);

    Pointer nfq_get_msg_packet_hdr(Pointer nfad);

    int nfq_get_payload(Pointer nfad, PointerByReference data);

    int nfq_get_indev(Pointer nfad);

    int nfq_get_outdev(Pointer nfad);

    /** Fills {@code tv} ({@code struct timeval}, 16 bytes) with the packet's kernel timestamp; 0 when it has one. */
    int nfq_get_timestamp(Pointer nfad, Pointer tv);

    /** {@code nfq_callback}. */
    interface NfqCallback extends Callback {
        int invoke(Pointer qh, Pointer nfmsg, Pointer nfad, Pointer data);
    }
}
