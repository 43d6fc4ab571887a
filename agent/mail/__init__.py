"""Mail sources: the `MailStore` interface and folder roles (`store`), an IMAP mailbox (`imap`,
with its bulk FETCH reader `imapfetch`), a local Maildir (`maildir`), and MIME reading into
`MailMessage` values (`mime`)."""

from agent.mail.store import DraftInfo, FolderRoles, MailStore
from agent.model import KEY_HEADER

__all__ = ["KEY_HEADER", "DraftInfo", "FolderRoles", "MailStore"]
