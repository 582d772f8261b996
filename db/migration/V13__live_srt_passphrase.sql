-- SRT ingest (issue 14): each channel's passphrase, issued with its stream key and shown once with it. SRT needs
-- the passphrase itself (libsrt derives the AES key from it in the handshake), so it is kept, unlike the key.
-- Channels made before this have none until their key is next replaced; SRT refuses them until then.
alter table live_channel add column srt_passphrase varchar(79)
    check (srt_passphrase is null or length(srt_passphrase) between 10 and 79);
