/**
 * The system SMTP settings packages read to send mail: {@code server.set-smtp}, {@code
 * server.test-smtp}, {@code server.clear-smtp} ({@link startos.smtp.SmtpMethods}), stored by {@link
 * startos.smtp.SmtpSettings} ({@code serverInfo.smtp} without the password, the password in {@code
 * /private}), read by the {@code get-system-smtp} effect ({@code startos.effects}) through {@code
 * SmtpSettings#forPackages}. {@link startos.smtp.SmtpClient} talks to the server (Angus Mail): TLS
 * always, certificates checked by {@link startos.smtp.SmtpTrust}, bounded waits.
 *
 * <p>Threads: RPC request threads (virtual); a set or test blocks its request for at most the
 * connect timeout plus one I/O timeout per SMTP exchange. Everything here is thread-safe; two
 * concurrent {@code set-smtp} calls each check their own login and the last write wins.
 *
 * <p>Not done yet: OAuth2 logins (Gmail/Outlook XOAUTH2), startd's own notification mails, and an
 * overall deadline for a server that answers slowly but within each I/O timeout.
 */
package startos.smtp;
