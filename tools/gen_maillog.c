/*
 * gen_maillog.c - deterministic Postfix maillog generator with ground truth
 *
 * SYNOPSIS
 *	bs-gen-maillog [--seed N] [--messages N | --size BYTES]
 *		[--start 'YYYY-MM-DD HH:MM:SS'] [--year-format bsd|rfc3339]
 *		[--long-queue-ids] [--failure-share PCT] [--truth FILE]
 *		[-o FILE]
 *
 * DESCRIPTION
 *	Writes the syslog maillog of a busy Postfix 3.x server at a Japanese
 *	hosting company (customers send through it, the internet delivers
 *	to its mailboxes) and, with --truth, the exact CSV that
 *	"bouncestat --format csv --by provider,sender_domain" must print for
 *	that log. Tests compare the two; benchmarks use --size to get a big
 *	file fast (no allocation per line, one large fwrite buffer, a
 *	per-second timestamp cache, hand-rolled number formatting).
 *
 *	The log is a discrete-event simulation. Each message is a small state
 *	machine (connect, client, cleanup, qmgr, disconnect, one delivery line
 *	per open recipient per attempt, retries, expiry, notification,
 *	removed). Its next step waits in a binary heap keyed by (time,
 *	sequence number); popping the heap yields lines in non-decreasing time
 *	and interleaves tens to hundreds of messages in flight. Only the
 *	seeded xoshiro256** generator decides anything, so the same seed and
 *	arguments give byte-identical log and truth.
 *
 * REALISM MODELLED
 *	smtpd/submission connect, client= (with SASL), TLS, disconnect with
 *	command counts; cleanup message-id; opendkim lines carrying queue ids;
 *	qmgr from=/size/nrcpt (again on every retry); smtp/local/virtual/lmtp
 *	and error (delivery temporarily suspended) delivery lines with
 *	orig_to=, conn_use=, Postfix's delay formatting and relay=none forms;
 *	real multi-line provider replies as Postfix flattens them (Gmail,
 *	Microsoft incl. Microsoft 365 custom domains, Yahoo, Yahoo! JAPAN,
 *	iCloud, docomo, au, SoftBank, generic Postfix/Exim, DNS failures,
 *	nullMX, timeouts); qmgr "status=expired, returned to sender"; bounce
 *	"sender non-delivery notification" and "sender delay notification"
 *	with the new null-sender message delivered back; "removed"; mixed-case
 *	addresses; short and long queue ids; messages already in flight when
 *	the log starts (no from= line: sender "?"); recipients still deferred
 *	when it ends; noise (postscreen, anvil, scache, dovecot, NOQUEUE
 *	rejects with from=/to=, "host ... said" lines without to=, warnings).
 *
 * GROUND TRUTH
 *	Header "provider,sender_domain,sent,bounced,expired,deferred,
 *	failure_rate", one row per (provider, sender domain) with any counted
 *	event, sorted by both columns with strcmp. Counted when the line is
 *	written: each "to=<...>, ... status=sent|bounced" line of smtp, lmtp,
 *	local, virtual or error is a final outcome; each status=deferred one
 *	is one attempt; a qmgr "from=<...>, status=expired, returned to
 *	sender" line makes every recipient of that queue id still without a
 *	final outcome expired (all of them were seen deferred before). Lines
 *	without to= ("host X said:", "lost connection", NOQUEUE reject,
 *	cleanup header warnings, opendkim, bounce "sender ... notification")
 *	count nothing. Provider comes from the recipient domain (to=, never
 *	orig_to=), case-insensitively, else from the relay host; recipients
 *	whose provider is known only from the relay never expire and never
 *	get relay=none lines. Sender domain is the lower-cased domain of the
 *	last qmgr from= line of the queue id, "<>" for the null sender
 *	(notifications, remote bounces), "?" if none was logged (messages
 *	queued before the log starts; they never defer, so no retry from=
 *	line reveals them later). failure_rate = (bounced + expired) /
 *	(sent + bounced + expired) with "%.4f", empty when that is 0.
 *	--failure-share is the share of failures among recipients of the
 *	generated messages; notifications fail at a quarter of that rate.
 *
 * DIAGNOSTICS
 *	Usage errors exit 2, I/O errors exit 1. A one-line summary goes to
 *	stderr at the end.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define US_PER_SEC	1000000ULL
#define MSEC		1000ULL
#define SEC		US_PER_SEC
#define PCT(x)		((uint32_t)((x) * 10000))	/* percent to ppm */
#define MAX_RCPT	5
#define LOCAL_MAX	24
#define DOMAIN_MAX	96
#define POOL_CAP	65536u
#define OUT_CAP		(8u << 20)
#define OUT_SLACK	(64u << 10)	/* more than one step ever writes */
#define TAIL_US		(900 * SEC)	/* log keeps going after arrivals stop */
#define ARRIVAL_GAP_US	(30 * MSEC)	/* mean gap at 100% load */
#define NOISE_GAP_US	(1500 * MSEC)
#define STATS_GAP_US	(600 * SEC)
#define DEFER_SHARE	PCT(7)		/* recipients with 1-4 deferrals */
#define EXPIRE_SHARE	PCT(12)		/* failures that end as expiry */
#define BAD_AUTH_FACTOR	3		/* failure odds for unauthenticated */
#define OUR_IP		"203.0.113.5"
#define OUR_HOST	"mx1"
#define OUR_FQDN	"mx1.example-hosting.jp"
#define LMTP_RELAY	OUR_FQDN "[private/dovecot-lmtp]"
#define LEN(a)		(sizeof(a) / sizeof((a)[0]))
#define PUT_LIT(o, s)	put_mem((o), (s), sizeof(s) - 1)
#define IP4(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			 (uint32_t)(c) << 8 | (uint32_t)(d))

/* ------------------------------------------------------------------ */
/* Providers, reply families and domains: the data the log is made of */

enum provider {
	PROV_APPLE, PROV_DOCOMO, PROV_GOOGLE, PROV_KDDI, PROV_MICROSOFT,
	PROV_OTHER, PROV_SOFTBANK, PROV_YAHOO, PROV_YAHOO_JAPAN, PROV_COUNT
};

static const char *const provider_name[PROV_COUNT] = {
	"apple", "docomo", "google", "kddi", "microsoft",
	"other", "softbank", "yahoo", "yahoo_japan",
};

/* Who answers, hence which reply texts and which delivery agent. */
enum family {
	FAM_GOOGLE, FAM_MICROSOFT, FAM_YAHOO, FAM_YAHOO_JAPAN, FAM_APPLE,
	FAM_DOCOMO, FAM_KDDI, FAM_SOFTBANK, FAM_POSTFIX, FAM_EXIM,
	FAM_NXDOMAIN, FAM_DEAD, FAM_LOCAL, FAM_VIRTUAL, FAM_LMTP, FAM_COUNT
};

/* How Postfix words the status text around the remote reply. */
enum form {
	FORM_TEXT,	/* relay=HOST[IP]:25 or local; text as is */
	FORM_SAID,	/* "host H[IP] said: TEXT (in reply to CMD command)" */
	FORM_REFUSED,	/* "host H[IP] refused to talk to me: TEXT" */
	FORM_NONE,	/* relay=none; text as is */
	FORM_SUSPENDED,	/* postfix/error, relay=none, "delivery temporarily
			 * suspended: TEXT" */
};

/*
 * A reply template. Variables: %a recipient as logged, %l its local part,
 * %d its domain, %s sender domain, %i our IP, %h relay host[ip], %g Gmail
 * trace token, %x Exchange Online server, %N 13 digits, %3 3 digits,
 * %k 16 hex, %z byte count, %q queue id, %e Exim id, %t dovecot session,
 * %p pid, %u unix time.
 */
struct reply {
	uint8_t form;
	uint8_t auth;		/* about sender authentication (SPF/DKIM) */
	const char *dsn;
	const char *cmd;	/* for FORM_SAID */
	const char *text;
};

#define GSI " %g - gsmtp"

static const struct reply google_sent[] = {
	{FORM_TEXT, 0, "2.0.0", NULL, "250 2.0.0 OK  %u" GSI},
};
static const struct reply google_bounce[] = {
	{FORM_SAID, 1, "5.7.26", "end of DATA",
	 "550-5.7.26 This mail has been blocked because the sender is "
	 "unauthenticated. 550-5.7.26 Gmail requires all senders to "
	 "authenticate with either SPF or DKIM. 550-5.7.26  550-5.7.26  "
	 "Authentication results: 550-5.7.26  DKIM = did not pass "
	 "550-5.7.26  SPF [%s] with ip: [%i] = did not pass 550-5.7.26  "
	 "550-5.7.26  For instructions on setting up authentication, go to "
	 "550 5.7.26  https://support.google.com/mail/answer/81126"
	 "#authentication" GSI},
	{FORM_SAID, 1, "5.7.26", "end of DATA",
	 "550-5.7.26 Unauthenticated email from %s is not accepted due to "
	 "550-5.7.26 domain's DMARC policy. Please contact the administrator "
	 "of 550-5.7.26 %s domain if this was a legitimate mail. To learn "
	 "about 550-5.7.26 the DMARC initiative, go to 550 5.7.26  "
	 "https://support.google.com/mail/?p=DmarcRejection" GSI},
	{FORM_SAID, 0, "5.1.1", "RCPT TO",
	 "550-5.1.1 The email account that you tried to reach does not "
	 "exist. Please try 550-5.1.1 double-checking the recipient's email "
	 "address for typos or 550-5.1.1 unnecessary spaces. For more "
	 "information, go to 550 5.1.1  "
	 "https://support.google.com/mail/?p=NoSuchUser" GSI},
	{FORM_SAID, 0, "5.7.1", "end of DATA",
	 "550-5.7.1 [%i      12] Our system has detected that this message "
	 "is 550-5.7.1 likely unsolicited mail. To reduce the amount of spam "
	 "sent to Gmail, 550-5.7.1 this message has been blocked. For more "
	 "information, go to 550 5.7.1  "
	 "https://support.google.com/mail/?p=UnsolicitedMessageError" GSI},
	{FORM_SAID, 0, "5.2.1", "RCPT TO",
	 "550-5.2.1 The email account that you tried to reach is inactive. "
	 "For more 550-5.2.1 information, go to 550 5.2.1  "
	 "https://support.google.com/mail/?p=DisabledUser" GSI},
};
static const struct reply google_defer[] = {
	{FORM_SAID, 0, "4.7.28", "end of DATA",
	 "421-4.7.28 Gmail has detected an unusual rate of unsolicited mail "
	 "originating 421-4.7.28 from your IP address [%i]. To protect our "
	 "users from spam, mail sent 421-4.7.28 from your IP address has "
	 "been temporarily rate limited. For more 421-4.7.28 information, go "
	 "to 421-4.7.28  https://support.google.com/mail/?p="
	 "UnsolicitedRateLimitError to 421 4.7.28 review our Bulk Email "
	 "Senders Guidelines." GSI},
	{FORM_SAID, 0, "4.2.2", "RCPT TO",
	 "452-4.2.2 The recipient's inbox is out of storage space. Please "
	 "direct the 452-4.2.2 recipient to 452 4.2.2  "
	 "https://support.google.com/mail/?p=OverQuotaTemp" GSI},
	{FORM_SAID, 1, "4.7.26", "end of DATA",
	 "421-4.7.26 This mail has been rate limited because it is "
	 "unauthenticated. 421-4.7.26 Gmail requires all senders to "
	 "authenticate with either SPF or DKIM. 421-4.7.26  421-4.7.26  "
	 "Authentication results: 421-4.7.26  DKIM = did not pass "
	 "421-4.7.26  SPF [%s] with ip: [%i] = did not pass 421-4.7.26  "
	 "421-4.7.26  For instructions on setting up authentication, go to "
	 "421 4.7.26  https://support.google.com/mail/answer/81126"
	 "#authentication" GSI},
	{FORM_SAID, 0, "4.2.1", "RCPT TO",
	 "450-4.2.1 The user you are trying to contact is receiving mail at "
	 "a rate that 450-4.2.1 prevents additional messages from being "
	 "delivered. Please resend your 450-4.2.1 message at a later point. "
	 "If the user is able to receive mail at that 450-4.2.1 time, your "
	 "message will be delivered. For more information, go to 450 4.2.1  "
	 "https://support.google.com/mail/?p=ReceivingRate" GSI},
};

#define EXO " [%x]"

static const struct reply microsoft_sent[] = {
	{FORM_TEXT, 0, "2.6.0", NULL,
	 "250 2.6.0 <%k@%s> [InternalId=%N, Hostname=%x] %z bytes in 0.%3, "
	 "%3.%3 KB/sec Queued mail for delivery"},
};
static const struct reply microsoft_bounce[] = {
	{FORM_SAID, 0, "5.5.0", "RCPT TO",
	 "550 5.5.0 Requested action not taken: mailbox unavailable "
	 "(S2017062302)." EXO},
	{FORM_SAID, 0, "5.7.1", "MAIL FROM",
	 "550 5.7.1 Unfortunately, messages from [%i] weren't sent. Please "
	 "contact your Internet service provider since part of their network "
	 "is on our block list (S3150). You can also refer your provider to "
	 "http://mail.live.com/mail/troubleshooting.aspx#errors." EXO},
	{FORM_SAID, 1, "5.7.515", "end of DATA",
	 "550 5.7.515 Access denied, sending domain %s does not meet the "
	 "required authentication level. The sender's domain in the 5322.From "
	 "address doesn't meet the authentication requirements defined for "
	 "the sender. To learn more about the requirements, go to "
	 "https://go.microsoft.com/fwlink/?linkid=2293530." EXO},
	{FORM_SAID, 1, "5.7.509", "end of DATA",
	 "550 5.7.509 Access denied, sending domain %s does not pass DMARC "
	 "verification and has a DMARC policy of reject." EXO},
	{FORM_SAID, 0, "5.4.1", "RCPT TO",
	 "550 5.4.1 Recipient address rejected: Access denied. For more "
	 "information see https://aka.ms/EXOSmtpErrors" EXO},
};
static const struct reply microsoft_defer[] = {
	{FORM_SAID, 0, "4.7.650", "MAIL FROM",
	 "451 4.7.650 The mail server [%i] has been temporarily rate limited "
	 "due to IP reputation. For e-mail delivery information, see "
	 "https://postmaster.live.com (S775)" EXO},
	{FORM_SAID, 0, "4.7.500", "MAIL FROM",
	 "451 4.7.500 Server busy. Please try again later from [%i]. "
	 "(S77714)" EXO},
	{FORM_REFUSED, 0, "4.3.2", NULL,
	 "421 4.3.2 The maximum number of concurrent server connections has "
	 "exceeded a limit, closing transmission channel" EXO},
};

#define YPM "https://postmaster.yahooinc.com/error-codes"

static const struct reply yahoo_sent[] = {
	{FORM_TEXT, 0, "2.0.0", NULL, "250 ok dirdel"},
};
static const struct reply yahoo_bounce[] = {
	{FORM_SAID, 1, "5.7.9", "end of DATA",
	 "554 5.7.9 Message not accepted for policy reasons.  See " YPM},
	{FORM_SAID, 0, "5.0.0", "RCPT TO",
	 "552 1 Requested mail action aborted, mailbox not found"},
	{FORM_SAID, 1, "5.7.9", "end of DATA",
	 "550 5.7.9 This mail has been blocked because the sender is "
	 "unauthenticated. Yahoo requires all senders to authenticate with "
	 "either SPF or DKIM."},
	{FORM_SAID, 0, "5.7.2", "MAIL FROM",
	 "553 5.7.2 [TSS09] All messages from %i will be permanently "
	 "deferred; Retrying will NOT succeed. See " YPM},
	{FORM_SAID, 0, "5.0.0", "RCPT TO",
	 "554 30 Sorry, your message to %a cannot be delivered. This mailbox "
	 "is disabled (554.30)."},
};
static const struct reply yahoo_defer[] = {
	{FORM_SAID, 0, "4.7.0", "MAIL FROM",
	 "421 4.7.0 [TSS04] Messages from %i temporarily deferred due to "
	 "unexpected volume or user complaints - 4.16.55.1; see " YPM},
	{FORM_SAID, 0, "4.0.0", "MAIL FROM",
	 "451 Message temporarily deferred due to unresolvable RFC.5321 from "
	 "domain; see " YPM},
	{FORM_TEXT, 0, "4.4.2", NULL,
	 "lost connection with %h while sending RCPT TO"},
	{FORM_SAID, 0, "4.7.0", "RCPT TO",
	 "421 4.7.0 [TSS11] Excessive unknown recipients - possible Open "
	 "Relay (#4.7.0)"},
};

static const struct reply yahoo_japan_sent[] = {
	{FORM_TEXT, 0, "2.0.0", NULL, "250 ok %q"},
};
static const struct reply yahoo_japan_bounce[] = {
	{FORM_SAID, 0, "5.1.1", "RCPT TO", "550 5.1.1 <%a>... User Unknown"},
	{FORM_SAID, 1, "5.7.1", "end of DATA",
	 "550 5.7.1 Mail rejected: sender domain %s failed authentication "
	 "(DMARC policy=reject)"},
	{FORM_SAID, 0, "5.7.1", "end of DATA",
	 "554 5.7.1 Message rejected: spam content detected"},
};
static const struct reply yahoo_japan_defer[] = {
	{FORM_REFUSED, 0, "4.7.0", NULL,
	 "421 4.7.0 Too many connections from %i, try again later"},
	{FORM_SAID, 0, "4.7.1", "MAIL FROM",
	 "451 4.7.1 Temporarily deferred: rate limit exceeded for %i"},
};

#define APPLE_KB "https://support.apple.com/en-us/HT204137"

static const struct reply apple_sent[] = {
	{FORM_TEXT, 0, "2.0.0", NULL, "250 2.0.0 Ok: queued as %q"},
};
static const struct reply apple_bounce[] = {
	{FORM_SAID, 0, "5.1.1", "RCPT TO", "550 5.1.1 <%a>: user does not exist"},
	{FORM_SAID, 0, "5.7.1", "end of DATA",
	 "554 5.7.1 [CS01] Message rejected due to local policy. Please "
	 "visit " APPLE_KB},
	{FORM_SAID, 1, "5.7.1", "end of DATA",
	 "550 5.7.1 [HM08] Message rejected due to local policy. Please "
	 "visit " APPLE_KB},
};
static const struct reply apple_defer[] = {
	/* 5xx greeting is tempfailed: smtp_skip_5xx_greeting = yes */
	{FORM_REFUSED, 0, "4.7.0", NULL,
	 "550 5.7.0 Blocked - see "
	 "https://support.proofpoint.com/dnsbl-lookup.cgi?ip=%i"},
	{FORM_SAID, 0, "4.7.0", "MAIL FROM",
	 "421 4.7.0 [CS01] Messages temporarily deferred due to user "
	 "complaints (%i). Please visit " APPLE_KB},
	{FORM_SAID, 0, "4.2.2", "RCPT TO", "452 4.2.2 <%a>: mailbox full"},
};

static const struct reply docomo_sent[] = {
	{FORM_TEXT, 0, "2.0.0", NULL, "250 2.0.0 Ok: queued as %q"},
};
static const struct reply docomo_bounce[] = {
	{FORM_SAID, 0, "5.0.0", "RCPT TO", "550 Unknown user %a"},
};
static const struct reply docomo_defer[] = {
	{FORM_SAID, 0, "4.3.0", "MAIL FROM",
	 "451 4.3.0 Temporary system error, please try again later"},
	{FORM_TEXT, 0, "4.4.2", NULL,
	 "conversation with %h timed out while sending end of data -- "
	 "message may be sent more than once"},
};

static const struct reply kddi_sent[] = {
	{FORM_TEXT, 0, "2.0.0", NULL, "250 ok"},
};
static const struct reply kddi_bounce[] = {
	{FORM_SAID, 0, "5.0.0", "RCPT TO", "550 <%a>: User unknown"},
	{FORM_SAID, 0, "5.7.1", "end of DATA",
	 "554 5.7.1 Message rejected (spam or policy violation)"},
};
static const struct reply kddi_defer[] = {
	{FORM_SAID, 0, "4.3.1", "RCPT TO", "452 4.3.1 Insufficient system storage"},
	{FORM_REFUSED, 0, "4.7.0", NULL, "421 4.7.0 Too many connections, slow down"},
};

static const struct reply softbank_sent[] = {
	{FORM_TEXT, 0, "2.0.0", NULL, "250 2.0.0 Ok: queued as %q"},
};
static const struct reply softbank_bounce[] = {
	{FORM_SAID, 0, "5.1.1", "RCPT TO", "550 5.1.1 <%a>... User unknown"},
	{FORM_SAID, 0, "5.7.1", "end of DATA",
	 "554 5.7.1 Rejected by policy (sender domain %s)"},
};
static const struct reply softbank_defer[] = {
	{FORM_SAID, 0, "4.4.5", "MAIL FROM", "421 4.4.5 Server busy, try again later"},
	{FORM_SAID, 0, "4.2.1", "RCPT TO", "450 4.2.1 Mailbox temporarily unavailable"},
};

static const struct reply postfix_sent[] = {
	{FORM_TEXT, 0, "2.0.0", NULL, "250 2.0.0 Ok: queued as %q"},
};
static const struct reply postfix_bounce[] = {
	{FORM_SAID, 0, "5.1.1", "RCPT TO",
	 "550 5.1.1 <%a>: Recipient address rejected: User unknown in "
	 "virtual mailbox table"},
	{FORM_SAID, 0, "5.1.1", "RCPT TO",
	 "550 5.1.1 <%a>: Recipient address rejected: User unknown in local "
	 "recipient table"},
	{FORM_SAID, 0, "5.7.1", "RCPT TO",
	 "554 5.7.1 Service unavailable; Client host [%i] blocked using "
	 "zen.spamhaus.org; https://www.spamhaus.org/query/ip/%i"},
	{FORM_SAID, 0, "5.2.2", "RCPT TO",
	 "552 5.2.2 <%a>: Recipient address rejected: Mailbox full (quota "
	 "exceeded)"},
	{FORM_SAID, 0, "5.7.1", "RCPT TO", "554 5.7.1 <%a>: Relay access denied"},
};
static const struct reply postfix_defer[] = {
	{FORM_SAID, 0, "4.7.1", "RCPT TO",
	 "450 4.7.1 <%a>: Recipient address rejected: Greylisted, see "
	 "https://postgrey.schweikert.ch/help/%d.html"},
	{FORM_SAID, 0, "4.3.5", "RCPT TO", "451 4.3.5 Server configuration problem"},
	{FORM_NONE, 0, "4.4.1", NULL, "connect to %h:25: Connection refused"},
	{FORM_NONE, 0, "4.4.1", NULL, "connect to %h:25: Connection timed out"},
	{FORM_NONE, 0, "4.4.3", NULL,
	 "Host or domain name not found. Name service error for name=%d "
	 "type=MX: Host not found, try again"},
	{FORM_TEXT, 0, "4.4.2", NULL,
	 "lost connection with %h while receiving the initial server "
	 "greeting"},
};

static const struct reply exim_sent[] = {
	{FORM_TEXT, 0, "2.0.0", NULL, "250 OK id=%e"},
};
static const struct reply exim_bounce[] = {
	{FORM_SAID, 0, "5.0.0", "RCPT TO", "550 No Such User Here"},
	{FORM_SAID, 0, "5.1.1", "RCPT TO", "550 5.1.1 <%a>: unknown user"},
	{FORM_SAID, 0, "5.0.0", "MAIL FROM",
	 "550 Administrative prohibition (host %i is listed at "
	 "bl.spamcop.net)"},
};
static const struct reply exim_defer[] = {
	{FORM_SAID, 0, "4.0.0", "RCPT TO",
	 "451 Temporary local problem - please try later"},
	{FORM_NONE, 0, "4.4.1", NULL, "connect to %h:25: Connection timed out"},
};

static const struct reply nxdomain_bounce[] = {
	{FORM_NONE, 0, "5.4.4", NULL,
	 "Host or domain name not found. Name service error for name=%d "
	 "type=MX: Host not found"},
	{FORM_NONE, 0, "5.1.0", NULL, "Domain %d does not accept mail (nullMX)"},
};
static const struct reply nxdomain_defer[] = {
	{FORM_NONE, 0, "4.4.3", NULL,
	 "Host or domain name not found. Name service error for name=%d "
	 "type=MX: Host not found, try again"},
};

/* Index 1 is what qmgr says once it has marked the site dead. */
static const struct reply dead_defer[] = {
	{FORM_NONE, 0, "4.4.1", NULL, "connect to %h:25: Connection timed out"},
	{FORM_SUSPENDED, 0, "4.4.1", NULL, "connect to %h:25: Connection timed out"},
	{FORM_NONE, 0, "4.4.1", NULL, "connect to %h:25: No route to host"},
};

static const struct reply local_sent[] = {
	{FORM_TEXT, 0, "2.0.0", NULL, "delivered to mailbox"},
	{FORM_TEXT, 0, "2.0.0", NULL,
	 "delivered to command: /usr/bin/procmail -a \"$EXTENSION\""},
};
static const struct reply local_bounce[] = {
	{FORM_TEXT, 0, "5.1.1", NULL, "unknown user: \"%l\""},
	{FORM_TEXT, 0, "5.2.2", NULL,
	 "cannot update mailbox /var/mail/%l for user %l. error writing "
	 "message: File too large"},
};
static const struct reply local_defer[] = {
	{FORM_TEXT, 0, "4.3.0", NULL,
	 "cannot update mailbox /var/mail/%l for user %l. error writing "
	 "message: Disk quota exceeded"},
};

static const struct reply virtual_sent[] = {
	{FORM_TEXT, 0, "2.0.0", NULL, "delivered to maildir"},
};
static const struct reply virtual_bounce[] = {
	{FORM_TEXT, 0, "5.1.1", NULL, "unknown user: \"%a\""},
};
static const struct reply virtual_defer[] = {
	{FORM_TEXT, 0, "4.2.2", NULL,
	 "maildir delivery failed: create maildir file "
	 "/var/mail/vhosts/%d/%l/tmp/%u.P%p.mx1: Disk quota exceeded"},
};

static const struct reply lmtp_sent[] = {
	{FORM_TEXT, 0, "2.0.0", NULL, "250 2.0.0 <%a> %t Saved"},
};
static const struct reply lmtp_bounce[] = {
	{FORM_SAID, 0, "5.1.1", "RCPT TO",
	 "550 5.1.1 <%a> User doesn't exist: %a"},
};
static const struct reply lmtp_defer[] = {
	{FORM_SAID, 0, "4.2.2", "end of DATA",
	 "452 4.2.2 <%a> Quota exceeded (mailbox for user is full)"},
};

struct family_replies {
	const struct reply *sent;
	uint8_t n_sent;
	const struct reply *bounce;
	uint8_t n_bounce;
	const struct reply *defer;
	uint8_t n_defer;
};

#define SET(a)	a, (uint8_t)LEN(a)
#define NOSET	NULL, 0

static const struct family_replies families[FAM_COUNT] = {
	[FAM_GOOGLE] = {SET(google_sent), SET(google_bounce), SET(google_defer)},
	[FAM_MICROSOFT] = {SET(microsoft_sent), SET(microsoft_bounce),
			   SET(microsoft_defer)},
	[FAM_YAHOO] = {SET(yahoo_sent), SET(yahoo_bounce), SET(yahoo_defer)},
	[FAM_YAHOO_JAPAN] = {SET(yahoo_japan_sent), SET(yahoo_japan_bounce),
			     SET(yahoo_japan_defer)},
	[FAM_APPLE] = {SET(apple_sent), SET(apple_bounce), SET(apple_defer)},
	[FAM_DOCOMO] = {SET(docomo_sent), SET(docomo_bounce), SET(docomo_defer)},
	[FAM_KDDI] = {SET(kddi_sent), SET(kddi_bounce), SET(kddi_defer)},
	[FAM_SOFTBANK] = {SET(softbank_sent), SET(softbank_bounce),
			  SET(softbank_defer)},
	[FAM_POSTFIX] = {SET(postfix_sent), SET(postfix_bounce),
			 SET(postfix_defer)},
	[FAM_EXIM] = {SET(exim_sent), SET(exim_bounce), SET(exim_defer)},
	[FAM_NXDOMAIN] = {NOSET, SET(nxdomain_bounce), SET(nxdomain_defer)},
	[FAM_DEAD] = {NOSET, NOSET, SET(dead_defer)},
	[FAM_LOCAL] = {SET(local_sent), SET(local_bounce), SET(local_defer)},
	[FAM_VIRTUAL] = {SET(virtual_sent), SET(virtual_bounce),
			 SET(virtual_defer)},
	[FAM_LMTP] = {SET(lmtp_sent), SET(lmtp_bounce), SET(lmtp_defer)},
};

#define D_LOCAL		0x01	/* mailboxes on this server */
#define D_CUSTOM	0x02	/* provider known only from the relay host */
#define D_FREEMAIL	0x04	/* free mail: senders mail in and relay out */
#define D_BADAUTH	0x08	/* customer domain with broken SPF/DKIM */
#define D_NX		0x10	/* does not resolve: used for DNS bounces */
#define D_DEAD		0x20	/* MX never answers: used for expiry */

struct domain {
	const char *name;	/* lower case, unique */
	uint8_t provider;	/* what bouncestat must decide for it */
	uint8_t family;
	uint8_t flags;
	const char *mx[3];	/* first is preferred; NULL: none or local */
	uint32_t ip;		/* first address of the MX block */
	uint16_t ip_span;
	uint16_t rcpt_weight;
	uint16_t sender_weight;	/* Zipf-ish envelope sender volume */
};

#define GMAIL_MX {"gmail-smtp-in.l.google.com", \
	"alt1.gmail-smtp-in.l.google.com", "alt2.gmail-smtp-in.l.google.com"}
#define ASPMX {"aspmx.l.google.com", "alt1.aspmx.l.google.com", \
	"alt2.aspmx.l.google.com"}
#define YAHOO_MX {"mta5.am0.yahoodns.net", "mta6.am0.yahoodns.net", \
	"mta7.am0.yahoodns.net"}
#define YJ_MX {"mx1.mail.yahoo.co.jp", "mx2.mail.yahoo.co.jp", \
	"mx3.mail.yahoo.co.jp"}
#define ICLOUD_MX {"mx01.mail.icloud.com", "mx02.mail.icloud.com"}
#define OLC(x)	{x ".olc.protection.outlook.com"}
#define M365(x)	{x ".mail.protection.outlook.com"}
#define NO_MX	{NULL}

static const struct domain domains[] = {
	{"gmail.com", PROV_GOOGLE, FAM_GOOGLE, D_FREEMAIL, GMAIL_MX,
	 IP4(142, 250, 96, 0), 4096, 300, 30},
	{"googlemail.com", PROV_GOOGLE, FAM_GOOGLE, 0, GMAIL_MX,
	 IP4(142, 250, 96, 0), 4096, 4, 0},
	{"outlook.com", PROV_MICROSOFT, FAM_MICROSOFT, D_FREEMAIL,
	 OLC("outlook-com"), IP4(52, 101, 8, 0), 2048, 25, 3},
	{"hotmail.com", PROV_MICROSOFT, FAM_MICROSOFT, D_FREEMAIL,
	 OLC("hotmail-com"), IP4(52, 101, 40, 0), 2048, 30, 4},
	{"hotmail.co.jp", PROV_MICROSOFT, FAM_MICROSOFT, 0,
	 OLC("hotmail-co-jp"), IP4(52, 101, 136, 0), 1024, 12, 0},
	{"live.jp", PROV_MICROSOFT, FAM_MICROSOFT, 0, OLC("live-jp"),
	 IP4(52, 101, 140, 0), 1024, 6, 0},
	{"live.com", PROV_MICROSOFT, FAM_MICROSOFT, 0, OLC("live-com"),
	 IP4(52, 101, 42, 0), 1024, 4, 0},
	{"msn.com", PROV_MICROSOFT, FAM_MICROSOFT, 0, OLC("msn-com"),
	 IP4(52, 101, 44, 0), 1024, 3, 0},
	{"outlook.jp", PROV_MICROSOFT, FAM_MICROSOFT, D_FREEMAIL,
	 OLC("outlook-jp"), IP4(52, 101, 144, 0), 1024, 15, 4},
	{"yahoo.com", PROV_YAHOO, FAM_YAHOO, D_FREEMAIL, YAHOO_MX,
	 IP4(67, 195, 204, 0), 256, 25, 3},
	{"yahoo.co.uk", PROV_YAHOO, FAM_YAHOO, 0,
	 {"mx-eu.mail.am0.yahoodns.net"}, IP4(188, 125, 72, 0), 256, 3, 0},
	{"yahoo.com.tw", PROV_YAHOO, FAM_YAHOO, 0,
	 {"mx-apac.mail.gm0.yahoodns.net"}, IP4(106, 10, 248, 0), 256, 2, 0},
	{"ymail.com", PROV_YAHOO, FAM_YAHOO, 0, YAHOO_MX,
	 IP4(98, 136, 96, 0), 256, 2, 0},
	{"rocketmail.com", PROV_YAHOO, FAM_YAHOO, 0, YAHOO_MX,
	 IP4(98, 136, 96, 0), 256, 1, 0},
	{"aol.com", PROV_YAHOO, FAM_YAHOO, 0, {"mx-aol.mail.gm0.yahoodns.net"},
	 IP4(67, 195, 228, 0), 256, 8, 0},
	{"yahoo.co.jp", PROV_YAHOO_JAPAN, FAM_YAHOO_JAPAN, D_FREEMAIL, YJ_MX,
	 IP4(182, 22, 12, 0), 256, 120, 20},
	{"ymail.ne.jp", PROV_YAHOO_JAPAN, FAM_YAHOO_JAPAN, 0, YJ_MX,
	 IP4(182, 22, 12, 0), 256, 3, 0},
	{"icloud.com", PROV_APPLE, FAM_APPLE, D_FREEMAIL, ICLOUD_MX,
	 IP4(17, 57, 154, 0), 512, 70, 6},
	{"me.com", PROV_APPLE, FAM_APPLE, 0, ICLOUD_MX,
	 IP4(17, 57, 154, 0), 512, 10, 0},
	{"mac.com", PROV_APPLE, FAM_APPLE, 0, ICLOUD_MX,
	 IP4(17, 57, 154, 0), 512, 3, 0},
	{"docomo.ne.jp", PROV_DOCOMO, FAM_DOCOMO, D_FREEMAIL,
	 {"mfsmax.docomo.ne.jp"}, IP4(203, 138, 180, 0), 256, 80, 5},
	{"ezweb.ne.jp", PROV_KDDI, FAM_KDDI, D_FREEMAIL, {"lsean.ezweb.ne.jp"},
	 IP4(27, 86, 113, 0), 64, 40, 3},
	{"au.com", PROV_KDDI, FAM_KDDI, D_FREEMAIL, {"lsean.ezweb.ne.jp"},
	 IP4(27, 86, 113, 0), 64, 30, 2},
	{"softbank.ne.jp", PROV_SOFTBANK, FAM_SOFTBANK, D_FREEMAIL,
	 {"mx.softbank.ne.jp"}, IP4(210, 146, 60, 0), 64, 30, 1},
	{"i.softbank.jp", PROV_SOFTBANK, FAM_SOFTBANK, D_FREEMAIL,
	 {"mx.i.softbank.jp"}, IP4(210, 146, 62, 0), 64, 25, 1},
	{"t.vodafone.ne.jp", PROV_SOFTBANK, FAM_SOFTBANK, 0,
	 {"mx.softbank.ne.jp"}, IP4(210, 146, 60, 0), 64, 2, 0},
	/* customer domains at Google Workspace and Microsoft 365 */
	{"acme-trading.co.jp", PROV_GOOGLE, FAM_GOOGLE, D_CUSTOM, ASPMX,
	 IP4(142, 250, 141, 0), 256, 15, 3},
	{"hanamizuki-lab.jp", PROV_GOOGLE, FAM_GOOGLE, D_CUSTOM, ASPMX,
	 IP4(142, 250, 141, 0), 256, 8, 1},
	{"univ-kotoha.ac.jp", PROV_GOOGLE, FAM_GOOGLE, D_CUSTOM, ASPMX,
	 IP4(142, 250, 141, 0), 256, 10, 2},
	{"contoso.com", PROV_MICROSOFT, FAM_MICROSOFT, D_CUSTOM,
	 M365("contoso-com"), IP4(52, 101, 68, 0), 1024, 12, 2},
	{"fabrikam.co.jp", PROV_MICROSOFT, FAM_MICROSOFT, D_CUSTOM,
	 M365("fabrikam-co-jp"), IP4(52, 101, 148, 0), 1024, 10, 2},
	{"northwindtraders.com", PROV_MICROSOFT, FAM_MICROSOFT, D_CUSTOM,
	 M365("northwindtraders-com"), IP4(52, 101, 72, 0), 1024, 6, 1},
	/* everyone else */
	{"nifty.com", PROV_OTHER, FAM_POSTFIX, 0, {"mx.nifty.com"},
	 IP4(202, 248, 37, 0), 64, 20, 3},
	{"biglobe.ne.jp", PROV_OTHER, FAM_POSTFIX, 0, {"mx.biglobe.ne.jp"},
	 IP4(133, 208, 12, 0), 64, 15, 2},
	{"ocn.ne.jp", PROV_OTHER, FAM_POSTFIX, 0, {"mx.ocn.ne.jp"},
	 IP4(153, 149, 232, 0), 64, 12, 1},
	{"so-net.ne.jp", PROV_OTHER, FAM_POSTFIX, 0, {"mx.so-net.ne.jp"},
	 IP4(202, 238, 84, 0), 64, 8, 1},
	{"gmx.de", PROV_OTHER, FAM_POSTFIX, 0, {"mx00.gmx.net", "mx01.gmx.net"},
	 IP4(212, 227, 15, 0), 64, 5, 1},
	{"web.de", PROV_OTHER, FAM_POSTFIX, 0, {"mx-ha03.web.de"},
	 IP4(212, 227, 17, 0), 64, 3, 0},
	{"qq.com", PROV_OTHER, FAM_POSTFIX, 0, {"mx3.qq.com", "mx2.qq.com"},
	 IP4(203, 205, 219, 0), 64, 6, 1},
	{"naver.com", PROV_OTHER, FAM_POSTFIX, 0, {"mx1.naver.com"},
	 IP4(125, 209, 238, 0), 64, 4, 0},
	{"mail.ru", PROV_OTHER, FAM_EXIM, 0, {"mxs.mail.ru"},
	 IP4(94, 100, 180, 0), 64, 3, 0},
	{"comcast.net", PROV_OTHER, FAM_POSTFIX, 0, {"mx1a1.comcast.net"},
	 IP4(96, 114, 157, 0), 64, 3, 0},
	{"kobayashi-koumuten.co.jp", PROV_OTHER, FAM_EXIM, 0,
	 {"mail.kobayashi-koumuten.co.jp"}, IP4(192, 0, 2, 40), 4, 5, 1},
	{"sunrise-travel.jp", PROV_OTHER, FAM_POSTFIX, 0,
	 {"mx.sunrise-travel.jp"}, IP4(192, 0, 2, 80), 4, 4, 1},
	/* typos that do not resolve: the names only look like providers */
	{"gmial.com", PROV_OTHER, FAM_NXDOMAIN, D_NX, NO_MX, 0, 1, 6, 0},
	{"gmail.con", PROV_OTHER, FAM_NXDOMAIN, D_NX, NO_MX, 0, 1, 4, 0},
	{"hotmial.com", PROV_OTHER, FAM_NXDOMAIN, D_NX, NO_MX, 0, 1, 3, 0},
	{"docomo.ne.jo", PROV_OTHER, FAM_NXDOMAIN, D_NX, NO_MX, 0, 1, 3, 0},
	{"yahoo-co.jp", PROV_OTHER, FAM_NXDOMAIN, D_NX, NO_MX, 0, 1, 3, 0},
	{"icloud.co", PROV_OTHER, FAM_NXDOMAIN, D_NX, NO_MX, 0, 1, 2, 0},
	/* servers that never answer */
	{"old-server-kaisha.jp", PROV_OTHER, FAM_DEAD, D_DEAD,
	 {"mail.old-server-kaisha.jp"}, IP4(198, 51, 100, 77), 1, 3, 0},
	{"shinsei-kogyo.co.jp", PROV_OTHER, FAM_DEAD, D_DEAD,
	 {"mx.shinsei-kogyo.co.jp"}, IP4(192, 0, 2, 45), 1, 2, 0},
	{"tokai-denki.jp", PROV_OTHER, FAM_DEAD, D_DEAD,
	 {"mail.tokai-denki.jp"}, IP4(198, 51, 100, 140), 1, 1, 0},
	/* customers hosted here */
	{"example-hosting.jp", PROV_OTHER, FAM_LOCAL, D_LOCAL, NO_MX, 0, 1, 10, 4},
	{"sakura-shop.jp", PROV_OTHER, FAM_VIRTUAL, D_LOCAL, NO_MX, 0, 1, 8, 120},
	{"news.sakura-shop.jp", PROV_OTHER, FAM_VIRTUAL, D_LOCAL, NO_MX, 0, 1,
	 0, 80},
	{"tanaka-seika.co.jp", PROV_OTHER, FAM_LMTP, D_LOCAL, NO_MX, 0, 1, 8, 60},
	{"yamada-dental.jp", PROV_OTHER, FAM_LMTP, D_LOCAL | D_BADAUTH, NO_MX,
	 0, 1, 5, 40},
	{"kyoto-ryokan.jp", PROV_OTHER, FAM_VIRTUAL, D_LOCAL, NO_MX, 0, 1, 4, 30},
	{"minato-fudosan.co.jp", PROV_OTHER, FAM_LMTP, D_LOCAL, NO_MX, 0, 1, 5,
	 24},
	{"hokkaido-farm.jp", PROV_OTHER, FAM_VIRTUAL, D_LOCAL | D_BADAUTH, NO_MX,
	 0, 1, 3, 20},
	{"shibuya-salon.jp", PROV_OTHER, FAM_VIRTUAL, D_LOCAL, NO_MX, 0, 1, 3, 17},
	{"osaka-kitchen.jp", PROV_OTHER, FAM_LMTP, D_LOCAL | D_BADAUTH, NO_MX,
	 0, 1, 3, 15},
	{"fukuoka-ramen.jp", PROV_OTHER, FAM_VIRTUAL, D_LOCAL, NO_MX, 0, 1, 2, 13},
	{"nagoya-tools.co.jp", PROV_OTHER, FAM_LMTP, D_LOCAL, NO_MX, 0, 1, 3, 12},
	{"sendai-books.jp", PROV_OTHER, FAM_VIRTUAL, D_LOCAL, NO_MX, 0, 1, 2, 10},
	{"kobe-bakery.jp", PROV_OTHER, FAM_VIRTUAL, D_LOCAL | D_BADAUTH, NO_MX,
	 0, 1, 2, 9},
	{"nara-tours.jp", PROV_OTHER, FAM_LMTP, D_LOCAL, NO_MX, 0, 1, 2, 8},
	{"ekimae-clinic.jp", PROV_OTHER, FAM_LOCAL, D_LOCAL, NO_MX, 0, 1, 2, 7},
	{"sapporo-ski.jp", PROV_OTHER, FAM_VIRTUAL, D_LOCAL, NO_MX, 0, 1, 2, 6},
	{"chiba-golf.jp", PROV_OTHER, FAM_VIRTUAL, D_LOCAL, NO_MX, 0, 1, 1, 5},
	{"hiroshima-okonomi.jp", PROV_OTHER, FAM_LMTP, D_LOCAL, NO_MX, 0, 1, 1,
	 5},
	{"okinawa-dive.jp", PROV_OTHER, FAM_VIRTUAL, D_LOCAL | D_BADAUTH, NO_MX,
	 0, 1, 1, 4},
	{"mito-natto.co.jp", PROV_OTHER, FAM_LOCAL, D_LOCAL, NO_MX, 0, 1, 1, 3},
	{"kanazawa-kogei.jp", PROV_OTHER, FAM_LMTP, D_LOCAL, NO_MX, 0, 1, 1, 2},
};

#define N_DOMAINS	((unsigned)LEN(domains))
_Static_assert(LEN(domains) <= DOMAIN_MAX, "domain table too large");
_Static_assert(LEN(domains) < 255, "domain index must fit uint8_t");

static const char *const given_names[] = {
	"taro", "hanako", "yuki", "kenji", "akiko", "hiroshi", "naoko",
	"takashi", "yumi", "daisuke", "mika", "sho", "aya", "ryo", "emi",
	"haruto", "sakura", "john", "mary", "david", "sarah", "wei", "minji",
};
static const char *const family_names[] = {
	"tanaka", "suzuki", "sato", "takahashi", "watanabe", "ito",
	"yamamoto", "nakamura", "kobayashi", "kato", "yoshida", "yamada",
	"sasaki", "matsumoto", "inoue", "kimura", "smith", "brown", "kim",
	"chen",
};
static const char *const role_names[] = {
	"info", "news", "noreply", "no-reply", "support", "shop", "order",
	"contact", "mailmagazine", "newsletter", "billing", "sales", "reserve",
};
static const char *const alias_names[] = {
	"info", "contact", "sales", "support", "webmaster", "recruit",
};

/* Arrival load by hour of day in Japan (UTC+9), in percent of the peak. */
static const uint8_t hour_load[24] = {
	30, 25, 20, 20, 25, 40, 60, 80, 100, 110, 110, 100,
	90, 95, 100, 100, 95, 90, 85, 80, 70, 60, 50, 40,
};

/* ------------------------------------------------------------------ */
/* Random numbers: xoshiro256** seeded through splitmix64             */

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform in [0, n), n < 2^32, by multiply-shift (bias below 2^-32). */
static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]. */
static inline uint64_t rng_range(struct rng *r, uint64_t lo, uint64_t hi)
{
	return lo + rng_next(r) % (hi - lo + 1);
}

static inline int rng_chance(struct rng *r, uint32_t ppm)
{
	return rng_below(r, 1000000) < ppm;
}

/* ------------------------------------------------------------------ */
/* Output buffer: one big block, flushed with fwrite between steps    */

struct out {
	FILE *fp;
	char *buf;
	size_t len;
	uint64_t flushed;
	uint64_t lines;
	int failed;
};

static void out_flush(struct out *o)
{
	if (o->len && fwrite(o->buf, 1, o->len, o->fp) != o->len)
		o->failed = 1;
	o->flushed += o->len;
	o->len = 0;
}

static inline uint64_t out_bytes(const struct out *o)
{
	return o->flushed + o->len;
}

/* Called before every step; a step writes far less than OUT_SLACK. */
static inline void out_reserve(struct out *o)
{
	if (o->len > OUT_CAP - OUT_SLACK)
		out_flush(o);
}

static inline void put_mem(struct out *o, const char *s, size_t n)
{
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static inline void put_str(struct out *o, const char *s)
{
	put_mem(o, s, strlen(s));
}

static inline void put_ch(struct out *o, char c)
{
	o->buf[o->len++] = c;
}

static void put_u64(struct out *o, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		o->buf[o->len++] = tmp[--n];
}

static void put_padded(struct out *o, uint64_t v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		o->buf[o->len + (size_t)i] = (char)('0' + v % 10);
		v /= 10;
	}
	o->len += (size_t)width;
}

static void put_ip(struct out *o, uint32_t ip)
{
	for (int shift = 24; shift >= 0; shift -= 8) {
		put_u64(o, (ip >> shift) & 255);
		if (shift)
			put_ch(o, '.');
	}
}

/*
 * Postfix's delay format: whole seconds from 10 s up, otherwise two
 * significant digits at 10 ms resolution with trailing zeros dropped.
 */
static void put_delay(struct out *o, uint64_t us)
{
	uint64_t sec = us / SEC;

	if (sec >= 10) {
		put_u64(o, sec);
	} else if (sec >= 1) {
		uint64_t tenths = us / (SEC / 10);

		put_u64(o, tenths / 10);
		if (tenths % 10) {
			put_ch(o, '.');
			put_ch(o, (char)('0' + tenths % 10));
		}
	} else if (us < SEC / 100) {
		put_ch(o, '0');
	} else {
		uint64_t cs = us / (SEC / 100);

		PUT_LIT(o, "0.");
		put_ch(o, (char)('0' + cs / 10));
		if (cs % 10)
			put_ch(o, (char)('0' + cs % 10));
	}
}

/* ------------------------------------------------------------------ */
/* Calendar and the syslog timestamp cache                            */

static const char month_abbr[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

struct civil {
	int64_t year;
	unsigned mon, day, hour, min, sec;
};

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

static struct civil civil_from_time(int64_t t)
{
	struct civil c;
	int64_t z = (t >= 0 ? t : t - 86399) / 86400;
	int64_t rem = t - z * 86400;

	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	c.day = doy - (153 * mp + 2) / 5 + 1;
	c.mon = mp < 10 ? mp + 3 : mp - 9;
	c.year = (int64_t)yoe + era * 400 + (c.mon <= 2);
	c.hour = (unsigned)(rem / 3600);
	c.min = (unsigned)(rem / 60 % 60);
	c.sec = (unsigned)(rem % 60);
	return c;
}

static char *fmt2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

/* "Nov  1 00:00:03": 15 bytes, day padded with a space as syslog does. */
static char *fmt_bsd(char *p, int64_t t)
{
	struct civil c = civil_from_time(t);

	memcpy(p, month_abbr[c.mon - 1], 3);
	p[3] = ' ';
	p[4] = c.day < 10 ? ' ' : (char)('0' + c.day / 10);
	p[5] = (char)('0' + c.day % 10);
	p[6] = ' ';
	p = fmt2(p + 7, c.hour);
	*p++ = ':';
	p = fmt2(p, c.min);
	*p++ = ':';
	return fmt2(p, c.sec);
}

/* "2026-11-01T00:00:03." - the microseconds follow per line. */
static char *fmt_rfc3339_head(char *p, int64_t t)
{
	struct civil c = civil_from_time(t);

	p = fmt2(p, (unsigned)(c.year / 100));
	p = fmt2(p, (unsigned)(c.year % 100));
	*p++ = '-';
	p = fmt2(p, c.mon);
	*p++ = '-';
	p = fmt2(p, c.day);
	*p++ = 'T';
	p = fmt2(p, c.hour);
	*p++ = ':';
	p = fmt2(p, c.min);
	*p++ = ':';
	p = fmt2(p, c.sec);
	*p++ = '.';
	return p;
}

struct stamp_cache {
	int rfc3339;
	int64_t sec;		/* the second head[] renders */
	char head[32];
	size_t head_len;
};

static void stamp_render(struct stamp_cache *c, int64_t sec)
{
	char *end = c->rfc3339 ? fmt_rfc3339_head(c->head, sec)
			       : fmt_bsd(c->head, sec);

	c->head_len = (size_t)(end - c->head);
	c->sec = sec;
}

/* ------------------------------------------------------------------ */
/* Messages, the event heap and the generator state                   */

enum kind { KIND_FREE, KIND_SMTPD, KIND_PRELOG, KIND_NOTICE };

enum step {
	STEP_CONNECT, STEP_CLIENT, STEP_CLEANUP, STEP_QUEUED,
	STEP_DISCONNECT, STEP_DELIVER, STEP_ATTEMPT_DONE, STEP_RETRY,
	STEP_NOTIFY, STEP_REMOVE,
};

enum outcome { OUT_SENT, OUT_BOUNCED, OUT_EXPIRED };
enum status { ST_SENT, ST_BOUNCED, ST_DEFERRED };
enum rcpt_state { RS_WAITING, RS_DEFERRED, RS_DONE };
enum direction { DIR_OUTBOUND, DIR_RELAYED, DIR_INBOUND };
enum case_style { CASE_LOWER, CASE_UPPER, CASE_TITLE, CASE_MIXED };

enum client_kind {
	CL_SUBMIT, CL_WEB, CL_LOCALHOST, CL_GOOGLE, CL_MICROSOFT,
	CL_NAMED, CL_UNKNOWN,
};

#define SENDER_NULL	255	/* sender_domain of from=<> */
#define NEVER		255	/* deferrals of a recipient that expires */

struct rcpt {
	char local[LOCAL_MAX];
	uint8_t local_len;
	uint8_t domain;		/* index into domains[] */
	uint8_t case_style;
	uint8_t deferrals;	/* deferred attempts before the final one */
	uint8_t final;		/* enum outcome */
	uint8_t state;		/* enum rcpt_state */
	uint8_t bounce_reply;
	uint8_t defer_reply;
	uint8_t alias;		/* orig_to local part index + 1, or 0 */
	uint8_t alias_domain;
};

struct message {
	uint64_t created_us;	/* queue file creation; delay= counts from */
	uint32_t client_ip;
	uint32_t smtpd_pid;
	uint32_t size;
	uint16_t client_num;
	char qid[16];
	uint8_t qid_len;
	char sender_local[LOCAL_MAX];
	uint8_t sender_local_len;
	uint8_t sender_domain;	/* index, or SENDER_NULL */
	uint8_t sender_case;
	uint8_t sasl_domain;
	uint8_t kind, step, direction, client_kind;
	uint8_t nrcpt, cursor, attempt, expire_after;
	uint8_t sasl, tls, bad_auth, sender_logged, failed, delay_noticed;
	struct rcpt rcpt[MAX_RCPT];
};

#define SLOT_ARRIVAL	0xffffffffu
#define SLOT_NOISE	0xfffffffeu
#define SLOT_STATS	0xfffffffdu

struct event {
	uint64_t at;
	uint64_t seq;		/* ties keep insertion order: determinism */
	uint32_t slot;
};

struct heap {
	struct event *ev;
	uint32_t len, cap;
};

enum service {
	SVC_CLEANUP, SVC_SMTP, SVC_LOCAL, SVC_VIRTUAL, SVC_LMTP,
	SVC_BOUNCE, SVC_ERROR, SVC_POSTSCREEN, SVC_OPENDKIM, SVC_COUNT
};

static const uint8_t service_procs[SVC_COUNT] = {4, 16, 3, 3, 4, 2, 2, 1, 1};

#define IDLE_MAX	64

/* smtpd processes serve one session at a time: idle ones wait here. */
struct idle_pids {
	uint32_t pid[IDLE_MAX];
	uint32_t n;
};

struct pids {
	uint32_t next;
	uint32_t qmgr, anvil, scache;
	uint32_t pool[SVC_COUNT][16];
	struct idle_pids smtpd, submission;
};

struct picker {
	uint16_t n;
	uint8_t idx[DOMAIN_MAX];
	uint32_t cum[DOMAIN_MAX];
};

struct pickers {
	struct picker external;	/* recipients elsewhere */
	struct picker plain;	/* elsewhere, provider known by the domain */
	struct picker local;	/* recipients hosted here */
	struct picker nx, dead;
	struct picker sender;
	struct picker local_sender;
};

struct options {
	uint64_t seed;
	uint64_t messages;	/* 0 when --size drives */
	uint64_t size;
	int64_t start;		/* seconds since the epoch, UTC */
	int rfc3339;
	int long_qids;
	uint32_t failure_ppm;
	const char *truth_path;
	const char *out_path;
};

struct counts {
	uint64_t sent, bounced, expired, deferred;
};

#define SKEY_NULL	0
#define SKEY_UNKNOWN	1
#define SKEY_MAX	(DOMAIN_MAX + 2)

struct stats {
	uint64_t messages, prelog, notices, skipped;
	uint64_t sent, bounced, expired, deferred;
};

struct gen {
	struct options opt;
	struct rng rng;
	struct out out;
	struct stamp_cache stamp;
	uint64_t now;
	uint64_t seq;
	uint64_t inode;
	struct message *pool;
	uint32_t *free_slots;
	uint32_t n_free;
	struct heap heap;
	struct pids pids;
	struct pickers pick;
	uint32_t fail_good_ppm, fail_bad_ppm;
	uint64_t target;
	uint32_t burst_left;
	uint8_t burst_domain;
	int stopping;
	uint64_t end_us;
	struct counts truth[PROV_COUNT][SKEY_MAX];
	struct stats stats;
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p) {
		fputs("bs-gen-maillog: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

static int ev_before(const struct event *a, const struct event *b)
{
	return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

static void heap_push(struct gen *g, uint64_t at, uint32_t slot)
{
	struct heap *h = &g->heap;
	struct event e = {at, g->seq++, slot};
	uint32_t i = h->len++;

	if (h->len > h->cap) {
		fputs("bs-gen-maillog: event heap overflow\n", stderr);
		abort();
	}
	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (!ev_before(&e, &h->ev[parent]))
			break;
		h->ev[i] = h->ev[parent];
		i = parent;
	}
	h->ev[i] = e;
}

static struct event heap_pop(struct heap *h)
{
	struct event top = h->ev[0];
	struct event last = h->ev[--h->len];
	uint32_t i = 0;

	for (;;) {
		uint32_t child = 2 * i + 1;

		if (child >= h->len)
			break;
		if (child + 1 < h->len && ev_before(&h->ev[child + 1], &h->ev[child]))
			child++;
		if (!ev_before(&h->ev[child], &last))
			break;
		h->ev[i] = h->ev[child];
		i = child;
	}
	if (h->len)
		h->ev[i] = last;
	return top;
}

static void schedule(struct gen *g, uint32_t slot, enum step step, uint64_t after)
{
	g->pool[slot].step = (uint8_t)step;
	heap_push(g, g->now + after, slot);
}

static struct message *msg_alloc(struct gen *g, uint32_t *slot)
{
	if (!g->n_free)
		return NULL;
	*slot = g->free_slots[--g->n_free];
	memset(&g->pool[*slot], 0, sizeof(g->pool[*slot]));
	return &g->pool[*slot];
}

static void msg_free(struct gen *g, uint32_t slot)
{
	g->pool[slot].kind = KIND_FREE;
	g->free_slots[g->n_free++] = slot;
}

static void schedule_delivery(struct gen *g, uint32_t slot, struct message *m,
			      uint64_t after);

static inline uint64_t ms_range(struct gen *g, uint64_t lo, uint64_t hi)
{
	return rng_range(&g->rng, lo * MSEC, hi * MSEC);
}

static inline int chance(struct gen *g, uint32_t ppm)
{
	return rng_chance(&g->rng, ppm);
}

/* A process id of a service; now and then a process retires. */
static uint32_t pid_of(struct gen *g, enum service svc)
{
	struct pids *p = &g->pids;
	uint32_t i = rng_below(&g->rng, service_procs[svc]);

	if (rng_below(&g->rng, 1000) < 3)
		p->pool[svc][i] = (p->next += (uint32_t)rng_range(&g->rng, 1, 60));
	return p->pool[svc][i];
}

static struct idle_pids *idle_of(struct gen *g, int submission)
{
	return submission ? &g->pids.submission : &g->pids.smtpd;
}

/* An idle process for a new session, or a newly forked one. */
static uint32_t session_pid_take(struct gen *g, int submission)
{
	struct idle_pids *idle = idle_of(g, submission);

	if (idle->n && rng_below(&g->rng, 100) != 0)
		return idle->pid[--idle->n];
	return g->pids.next += (uint32_t)rng_range(&g->rng, 1, 60);
}

/* Back to idle; past max_use or with enough idle ones it exits. */
static void session_pid_release(struct gen *g, int submission, uint32_t pid)
{
	struct idle_pids *idle = idle_of(g, submission);

	if (idle->n < 12 && rng_below(&g->rng, 100) != 0)
		idle->pid[idle->n++] = pid;
}

/* A process that is idle right now, for one-line sessions (noise). */
static uint32_t session_pid_peek(struct gen *g, int submission)
{
	struct idle_pids *idle = idle_of(g, submission);

	if (idle->n)
		return idle->pid[rng_below(&g->rng, idle->n)];
	return g->pids.next += (uint32_t)rng_range(&g->rng, 1, 60);
}

static void pids_init(struct gen *g)
{
	struct pids *p = &g->pids;

	p->next = 1000 + rng_below(&g->rng, 20000);
	p->qmgr = p->next;
	p->anvil = (p->next += 7);
	p->scache = (p->next += 3);
	for (int s = 0; s < SVC_COUNT; s++)
		for (int i = 0; i < service_procs[s]; i++)
			p->pool[s][i] = (p->next += (uint32_t)rng_range(&g->rng, 1, 90));
}

/* ------------------------------------------------------------------ */
/* Weighted domain pickers                                            */

static void picker_add(struct picker *p, unsigned idx, uint32_t weight)
{
	if (!weight)
		return;
	p->idx[p->n] = (uint8_t)idx;
	p->cum[p->n] = (p->n ? p->cum[p->n - 1] : 0) + weight;
	p->n++;
}

static uint8_t picker_pick(struct gen *g, const struct picker *p)
{
	uint32_t x = rng_below(&g->rng, p->cum[p->n - 1]);
	uint16_t lo = 0, hi = (uint16_t)(p->n - 1);

	while (lo < hi) {
		uint16_t mid = (uint16_t)((lo + hi) / 2);

		if (p->cum[mid] > x)
			hi = mid;
		else
			lo = (uint16_t)(mid + 1);
	}
	return p->idx[lo];
}

static void pickers_init(struct pickers *pk)
{
	for (unsigned i = 0; i < N_DOMAINS; i++) {
		const struct domain *d = &domains[i];

		if (d->flags & D_NX)
			picker_add(&pk->nx, i, d->rcpt_weight);
		else if (d->flags & D_DEAD)
			picker_add(&pk->dead, i, d->rcpt_weight);
		else if (d->flags & D_LOCAL)
			picker_add(&pk->local, i, d->rcpt_weight);
		else
			picker_add(&pk->external, i, d->rcpt_weight);
		if (!(d->flags & (D_NX | D_DEAD | D_LOCAL | D_CUSTOM)))
			picker_add(&pk->plain, i, d->rcpt_weight);
		picker_add(&pk->sender, i, d->sender_weight);
		if (d->flags & D_LOCAL)
			picker_add(&pk->local_sender, i, d->sender_weight);
	}
}

/*
 * Unauthenticated mail fails BAD_AUTH_FACTOR times as often. Scale both
 * rates so that the expected failure share over all senders is the one
 * asked for (free-mail senders relay half of their messages).
 */
static void failure_rates_init(struct gen *g)
{
	double bad = 0, all = 0, share = g->opt.failure_ppm / 1e6;

	for (unsigned i = 0; i < N_DOMAINS; i++) {
		const struct domain *d = &domains[i];

		all += d->sender_weight;
		if (d->flags & D_BADAUTH)
			bad += d->sender_weight;
		else if (d->flags & D_FREEMAIL)
			bad += d->sender_weight / 2.0;
	}
	double f = bad / all;
	double good = share / (f * BAD_AUTH_FACTOR + (1 - f));
	double worse = good * BAD_AUTH_FACTOR;

	if (worse > 1) {
		worse = 1;
		good = (share - f) / (1 - f);
	}
	g->fail_good_ppm = (uint32_t)(good * 1e6 + 0.5);
	g->fail_bad_ppm = (uint32_t)(worse * 1e6 + 0.5);
}

/* ------------------------------------------------------------------ */
/* Small writers: line prefix, addresses, queue ids, tokens           */

static void put_prefix(struct gen *g, const char *prog, uint32_t pid)
{
	struct out *o = &g->out;
	int64_t sec = (int64_t)(g->now / SEC);

	if (sec != g->stamp.sec)
		stamp_render(&g->stamp, sec);
	put_mem(o, g->stamp.head, g->stamp.head_len);
	if (g->stamp.rfc3339) {
		put_padded(o, g->now % SEC, 6);
		PUT_LIT(o, "+00:00");
	}
	PUT_LIT(o, " " OUR_HOST " ");
	put_str(o, prog);
	if (pid) {
		put_ch(o, '[');
		put_u64(o, pid);
		put_ch(o, ']');
	}
	PUT_LIT(o, ": ");
}

static void put_qid_prefix(struct gen *g, const char *prog, uint32_t pid,
			   const struct message *m)
{
	put_prefix(g, prog, pid);
	put_mem(&g->out, m->qid, m->qid_len);
	PUT_LIT(&g->out, ": ");
}

static void end_line(struct gen *g)
{
	put_ch(&g->out, '\n');
	g->out.lines++;
}

static inline char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static void put_cased(struct out *o, const char *s, size_t n, uint8_t style)
{
	int label_start = 1, first_label = 1;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (style == CASE_UPPER || (style == CASE_MIXED && !first_label) ||
		    (label_start && style != CASE_LOWER))
			c = upper(c);
		label_start = s[i] == '.';
		if (label_start)
			first_label = 0;
		put_ch(o, c);
	}
}

static void put_address(struct out *o, const char *local, size_t local_len,
			uint8_t domain, uint8_t style)
{
	const char *name = domains[domain].name;

	if (style == CASE_TITLE || style == CASE_MIXED)
		put_ch(o, upper(local[0])), local++, local_len--;
	put_mem(o, local, local_len);
	put_ch(o, '@');
	put_cased(o, name, strlen(name), style);
}

static void put_rcpt(struct out *o, const struct rcpt *r)
{
	put_address(o, r->local, r->local_len, r->domain, r->case_style);
}

static void put_sender(struct out *o, const struct message *m)
{
	if (m->sender_domain != SENDER_NULL)
		put_address(o, m->sender_local, m->sender_local_len,
			    m->sender_domain, m->sender_case);
}

static void put_sender_domain(struct out *o, const struct message *m)
{
	if (m->sender_domain == SENDER_NULL)
		PUT_LIT(o, OUR_FQDN);
	else
		put_str(o, domains[m->sender_domain].name);
}

static const char alnum[] =
	"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
static const char hex_upper[] = "0123456789ABCDEF";
static const char hex_lower[] = "0123456789abcdef";

static void put_token(struct gen *g, const char *alphabet, uint32_t size,
		      unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		put_ch(&g->out, alphabet[rng_below(&g->rng, size)]);
}

#define LOWER		alnum, 26
#define DIGITS		alnum + 26, 10
#define ALNUM		alnum, 62
#define HEX_UPPER	hex_upper, 16
#define HEX_LOWER	hex_lower, 16

/* "od20si504618ejb.621" as in "... - gsmtp" */
static void put_gmail_token(struct gen *g)
{
	put_token(g, LOWER, 2);
	put_token(g, DIGITS, 1 + rng_below(&g->rng, 2));
	PUT_LIT(&g->out, "si");
	put_token(g, DIGITS, 6 + rng_below(&g->rng, 2));
	put_token(g, LOWER, 3);
	put_ch(&g->out, '.');
	put_token(g, DIGITS, 1 + rng_below(&g->rng, 3));
}

/* "OSZPR01MB6427.jpnprd01.prod.outlook.com" */
static void put_exo_host(struct gen *g)
{
	PUT_LIT(&g->out, "OS");
	put_token(g, alnum + 36, 26, 1);
	PUT_LIT(&g->out, "PR01MB");
	put_token(g, DIGITS, 4);
	PUT_LIT(&g->out, ".jpnprd01.prod.outlook.com");
}

/* Postfix's long queue id alphabet: digits and consonants. */
static const char safe_chars[] =
	"0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";

static char *encode_base(char *p, uint64_t v, unsigned base, int pad)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = safe_chars[v % base];
		v /= base;
	} while (v);
	while (n < pad)
		tmp[n++] = '0';
	while (n)
		*p++ = tmp[--n];
	return p;
}

/*
 * Queue ids as Postfix makes them from the queue file's creation time
 * and inode: short "%05X" microseconds + "%X" inode, or long base-52
 * seconds (6) + base-52 microseconds (4) + 'z' + base-51 inode. The
 * inode only grows, so no id repeats while its message is in flight.
 */
static void make_qid(struct gen *g, struct message *m)
{
	char *p = m->qid;
	uint64_t usec = g->now % SEC;

	g->inode += rng_range(&g->rng, 1, 5);
	if (g->opt.long_qids) {
		p = encode_base(p, g->now / SEC, 52, 6);
		p = encode_base(p, usec, 52, 4);
		*p++ = 'z';
		p = encode_base(p, g->inode, 51, 1);
	} else {
		for (int shift = 16; shift >= 0; shift -= 4)
			*p++ = hex_upper[(usec >> shift) & 15];
		char tmp[16];
		int n = 0;
		uint64_t v = g->inode;

		do {
			tmp[n++] = hex_upper[v & 15];
			v >>= 4;
		} while (v);
		while (n)
			*p++ = tmp[--n];
	}
	m->qid_len = (uint8_t)(p - m->qid);
}

/* ------------------------------------------------------------------ */
/* Reply template expansion                                           */

struct hop {
	const char *name;
	uint32_t ip;
};

static void put_hop(struct out *o, const struct hop *h)
{
	put_str(o, h->name);
	put_ch(o, '[');
	put_ip(o, h->ip);
	put_ch(o, ']');
}

struct xvars {
	const struct message *m;
	const struct rcpt *r;
	const struct hop *hop;
};

static void put_var(struct gen *g, char name, const struct xvars *v)
{
	struct out *o = &g->out;

	switch (name) {
	case 'a': put_rcpt(o, v->r); break;
	case 'l': put_mem(o, v->r->local, v->r->local_len); break;
	case 'd': put_str(o, domains[v->r->domain].name); break;
	case 's': put_sender_domain(o, v->m); break;
	case 'i': PUT_LIT(o, OUR_IP); break;
	case 'h': put_hop(o, v->hop); break;
	case 'g': put_gmail_token(g); break;
	case 'x': put_exo_host(g); break;
	case 'N': put_token(g, DIGITS, 13); break;
	case '3': put_token(g, DIGITS, 3); break;
	case 'k': put_token(g, HEX_LOWER, 16); break;
	case 'z': put_u64(o, v->m->size + rng_range(&g->rng, 900, 4000)); break;
	case 'q': put_token(g, HEX_UPPER, 10); break;
	case 'e':
		put_token(g, ALNUM, 6);
		put_ch(o, '-');
		put_token(g, ALNUM, 6);
		put_ch(o, '-');
		put_token(g, ALNUM, 2);
		break;
	case 't': put_token(g, ALNUM, 22); break;
	case 'p': put_u64(o, rng_range(&g->rng, 1000, 99999)); break;
	case 'u': put_u64(o, g->now / SEC); break;
	default: put_ch(o, '%'); put_ch(o, name); break;
	}
}

static void put_expand(struct gen *g, const char *t, const struct xvars *v)
{
	for (;;) {
		const char *pct = strchr(t, '%');

		if (!pct) {
			put_str(&g->out, t);
			return;
		}
		put_mem(&g->out, t, (size_t)(pct - t));
		put_var(g, pct[1], v);
		t = pct + 2;
	}
}

/* ------------------------------------------------------------------ */
/* Planning a message: sender, client, recipients and their fates     */

static void local_append(char *buf, uint8_t *len, const char *s)
{
	while (*s && *len < LOCAL_MAX - 1)
		buf[(*len)++] = *s++;
	buf[*len] = '\0';
}

static void local_digits(struct gen *g, char *buf, uint8_t *len, unsigned n)
{
	char d[2] = {0, 0};

	for (unsigned i = 0; i < n; i++) {
		d[0] = (char)('0' + rng_below(&g->rng, 10));
		local_append(buf, len, d);
	}
}

#define PICK(g, list)	(list)[rng_below(&(g)->rng, (uint32_t)LEN(list))]

/* A person's mailbox name in one of the common shapes. */
static void make_person(struct gen *g, char *buf, uint8_t *len)
{
	*len = 0;
	buf[0] = '\0';
	switch (rng_below(&g->rng, 5)) {
	case 0:
		local_append(buf, len, PICK(g, given_names));
		local_append(buf, len, ".");
		local_append(buf, len, PICK(g, family_names));
		break;
	case 1:
		local_append(buf, len, PICK(g, given_names));
		local_append(buf, len, "_");
		local_append(buf, len, PICK(g, family_names));
		local_digits(g, buf, len, 2);
		break;
	case 2:
		local_append(buf, len, PICK(g, given_names));
		local_digits(g, buf, len, 2 + rng_below(&g->rng, 3));
		break;
	case 3: {
		char one[2] = {alnum[rng_below(&g->rng, 26)], 0};

		local_append(buf, len, one);
		local_append(buf, len, PICK(g, family_names));
		break;
	}
	default: {
		unsigned n = 6 + rng_below(&g->rng, 6);
		char one[2] = {0, 0};

		for (unsigned i = 0; i < n; i++) {
			int punct = i && i + 1 < n && one[0] != '.' &&
				    one[0] != '-' && rng_below(&g->rng, 8) == 0;

			one[0] = punct ? ".-"[rng_below(&g->rng, 2)]
				       : alnum[rng_below(&g->rng, 36)];
			local_append(buf, len, one);
		}
		if (!(buf[0] >= 'a' && buf[0] <= 'z'))
			buf[0] = 'm';
		break;
	}
	}
}

static uint8_t pick_reply(struct gen *g, const struct reply *set, uint8_t n,
			  int want_auth)
{
	uint8_t match[16], k = 0;

	for (uint8_t i = 0; i < n && k < 16; i++)
		if (set[i].auth == (want_auth != 0))
			match[k++] = i;
	if (!k)
		return (uint8_t)rng_below(&g->rng, n ? n : 1);
	return match[rng_below(&g->rng, k)];
}

static uint8_t pick_rcpt_domain(struct gen *g, const struct message *m,
				uint8_t final)
{
	const struct pickers *pk = &g->pick;
	int local = m->direction == DIR_INBOUND || chance(g, PCT(12));

	if (final == OUT_EXPIRED && m->direction != DIR_INBOUND && chance(g, PCT(40)))
		return picker_pick(g, &pk->dead);
	if (final == OUT_BOUNCED && m->direction != DIR_INBOUND && chance(g, PCT(6)))
		return picker_pick(g, &pk->nx);
	if (local)
		return picker_pick(g, &pk->local);
	/* provider of a custom domain is known only from a relay host: keep
	 * them out of expiry, whose line has no relay */
	return picker_pick(g, final == OUT_EXPIRED ? &pk->plain : &pk->external);
}

static uint8_t plan_deferrals(struct gen *g, const struct message *m,
			      const struct rcpt *r)
{
	static const uint8_t spread[10] = {1, 1, 1, 1, 1, 2, 2, 2, 3, 4};

	if (m->kind == KIND_PRELOG || (domains[r->domain].flags & D_NX))
		return 0;
	if (!chance(g, DEFER_SHARE))
		return 0;
	return spread[rng_below(&g->rng, 10)];
}

static void plan_replies(struct gen *g, const struct message *m, struct rcpt *r)
{
	const struct family_replies *f = &families[domains[r->domain].family];
	int auth = m->bad_auth && chance(g, PCT(75));

	r->bounce_reply = pick_reply(g, f->bounce, f->n_bounce, auth);
	r->defer_reply = pick_reply(g, f->defer, f->n_defer, auth);
	if (f->defer == dead_defer && r->defer_reply == 1)
		r->defer_reply = 0;
}

static int rcpt_taken(const struct message *m, unsigned upto, const struct rcpt *r)
{
	for (unsigned i = 0; i < upto; i++)
		if (m->rcpt[i].domain == r->domain &&
		    strcmp(m->rcpt[i].local, r->local) == 0)
			return 1;
	return 0;
}

static void plan_alias(struct gen *g, struct rcpt *r)
{
	r->alias = (uint8_t)(1 + rng_below(&g->rng, (uint32_t)LEN(alias_names)));
	r->alias_domain = picker_pick(g, &g->pick.local);
}

static void plan_rcpt(struct gen *g, struct message *m, unsigned i)
{
	struct rcpt *r = &m->rcpt[i];
	uint32_t fail_ppm = m->bad_auth ? g->fail_bad_ppm : g->fail_good_ppm;
	int can_expire = m->kind == KIND_SMTPD && m->sender_domain != SENDER_NULL;
	int forwarded = m->direction == DIR_INBOUND && chance(g, PCT(4));

	if (!chance(g, fail_ppm))
		r->final = OUT_SENT;
	else if (can_expire && chance(g, EXPIRE_SHARE))
		r->final = OUT_EXPIRED;
	else
		r->final = OUT_BOUNCED;
	do {
		if (forwarded)
			r->domain = picker_pick(g, &g->pick.plain);
		else
			r->domain = pick_rcpt_domain(g, m, r->final);
		make_person(g, r->local, &r->local_len);
	} while (rcpt_taken(m, i, r));
	if (forwarded)
		plan_alias(g, r);
	r->deferrals = plan_deferrals(g, m, r);
	if (chance(g, PCT(2)))
		r->case_style = (uint8_t)(1 + rng_below(&g->rng, 3));
	plan_replies(g, m, r);
}

/*
 * Expiry is per message: the queue file grows too old after 2-4 deferred
 * attempts. Recipients planned to expire defer every time; the others
 * must be final by then.
 */
static void plan_expiry(struct gen *g, struct message *m)
{
	int any = 0;

	for (unsigned i = 0; i < m->nrcpt; i++)
		any |= m->rcpt[i].final == OUT_EXPIRED;
	if (!any)
		return;
	m->expire_after = (uint8_t)(2 + rng_below(&g->rng, 3));
	for (unsigned i = 0; i < m->nrcpt; i++) {
		struct rcpt *r = &m->rcpt[i];

		if (r->final == OUT_EXPIRED)
			r->deferrals = NEVER;
		else if (r->deferrals >= m->expire_after)
			r->deferrals = (uint8_t)(m->expire_after - 1);
	}
}

static uint8_t plan_nrcpt(struct gen *g)
{
	uint32_t x = rng_below(&g->rng, 100);

	return x < 80 ? 1 : x < 90 ? 2 : x < 95 ? 3 : x < 98 ? 4 : 5;
}

static uint32_t plan_size(struct gen *g)
{
	uint32_t x = rng_below(&g->rng, 100);

	if (x < 60)
		return (uint32_t)rng_range(&g->rng, 1500, 15000);
	if (x < 90)
		return (uint32_t)rng_range(&g->rng, 15000, 200000);
	return (uint32_t)rng_range(&g->rng, 200000, 8000000);
}

static void plan_sender_local(struct gen *g, struct message *m)
{
	const struct domain *d = &domains[m->sender_domain];

	if ((d->flags & D_LOCAL) && chance(g, PCT(70))) {
		m->sender_local_len = 0;
		local_append(m->sender_local, &m->sender_local_len,
			     PICK(g, role_names));
	} else {
		make_person(g, m->sender_local, &m->sender_local_len);
	}
	if (chance(g, PCT(1)))
		m->sender_case = (uint8_t)(1 + rng_below(&g->rng, 3));
}

static void plan_client(struct gen *g, struct message *m)
{
	const struct domain *d = m->sender_domain == SENDER_NULL
				 ? NULL : &domains[m->sender_domain];

	m->client_num = (uint16_t)rng_below(&g->rng, 65000);
	m->client_ip = IP4(198, 51, 100, 0) + 2 + rng_below(&g->rng, 250);
	if (m->direction == DIR_RELAYED) {
		m->client_kind = CL_SUBMIT;
		m->sasl_domain = picker_pick(g, &g->pick.local_sender);
	} else if (m->direction == DIR_OUTBOUND) {
		uint32_t x = rng_below(&g->rng, 100);

		m->client_kind = x < 55 ? CL_SUBMIT : x < 85 ? CL_WEB : CL_LOCALHOST;
		m->sasl_domain = m->sender_domain;
	} else if (d && d->family == FAM_GOOGLE) {
		m->client_kind = CL_GOOGLE;
	} else if (d && d->family == FAM_MICROSOFT) {
		m->client_kind = CL_MICROSOFT;
	} else {
		m->client_kind = d && chance(g, PCT(70)) ? CL_NAMED : CL_UNKNOWN;
	}
	m->sasl = m->client_kind == CL_SUBMIT;
	m->tls = m->sasl || chance(g, PCT(60));
}

/* Sender, direction and who is on the other end of the connection. */
static void plan_origin(struct gen *g, struct message *m)
{
	if (g->burst_left) {
		g->burst_left--;
		m->sender_domain = g->burst_domain;
	} else if (chance(g, PCT(1))) {
		m->sender_domain = SENDER_NULL;	/* a remote bounce, inbound */
	} else {
		m->sender_domain = picker_pick(g, &g->pick.sender);
	}
	if (m->sender_domain == SENDER_NULL) {
		m->direction = DIR_INBOUND;
	} else {
		uint8_t flags = domains[m->sender_domain].flags;

		if (flags & D_LOCAL)
			m->direction = DIR_OUTBOUND;
		else if ((flags & D_FREEMAIL) && chance(g, PCT(50)))
			m->direction = DIR_RELAYED;
		else
			m->direction = DIR_INBOUND;
		m->bad_auth = (flags & D_BADAUTH) || m->direction == DIR_RELAYED;
		plan_sender_local(g, m);
	}
}

static void plan_message(struct gen *g, struct message *m, enum kind kind)
{
	m->kind = (uint8_t)kind;
	plan_origin(g, m);
	plan_client(g, m);
	m->size = plan_size(g);
	m->nrcpt = plan_nrcpt(g);
	for (unsigned i = 0; i < m->nrcpt; i++)
		plan_rcpt(g, m, i);
	plan_expiry(g, m);
}

/* ------------------------------------------------------------------ */
/* Ground truth                                                       */

static unsigned sender_key(const struct message *m)
{
	if (!m->sender_logged)
		return SKEY_UNKNOWN;
	if (m->sender_domain == SENDER_NULL)
		return SKEY_NULL;
	return 2u + m->sender_domain;
}

static struct counts *truth_cell(struct gen *g, const struct message *m,
				 const struct rcpt *r)
{
	return &g->truth[domains[r->domain].provider][sender_key(m)];
}

static void account(struct gen *g, struct message *m, struct rcpt *r,
		    enum status st)
{
	struct counts *c = truth_cell(g, m, r);

	if (st == ST_DEFERRED) {
		c->deferred++;
		g->stats.deferred++;
		r->state = RS_DEFERRED;
		return;
	}
	r->state = RS_DONE;
	if (st == ST_SENT) {
		c->sent++;
		g->stats.sent++;
	} else {
		c->bounced++;
		g->stats.bounced++;
		m->failed = 1;
	}
}

static const char *skey_name(unsigned k)
{
	if (k == SKEY_NULL)
		return "<>";
	if (k == SKEY_UNKNOWN)
		return "?";
	return domains[k - 2].name;
}

struct row {
	unsigned prov, skey;
};

static int row_cmp(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	int c = strcmp(provider_name[a->prov], provider_name[b->prov]);

	return c ? c : strcmp(skey_name(a->skey), skey_name(b->skey));
}

static void write_row(FILE *fp, const struct row *row, const struct counts *c)
{
	uint64_t done = c->sent + c->bounced + c->expired;

	fprintf(fp, "%s,%s,%llu,%llu,%llu,%llu,", provider_name[row->prov],
		skey_name(row->skey), (unsigned long long)c->sent,
		(unsigned long long)c->bounced, (unsigned long long)c->expired,
		(unsigned long long)c->deferred);
	if (done)
		fprintf(fp, "%.4f", (double)(c->bounced + c->expired) / (double)done);
	fputc('\n', fp);
}

static int write_truth(const struct gen *g, const char *path)
{
	static struct row rows[PROV_COUNT * SKEY_MAX];
	size_t n = 0;
	FILE *fp = fopen(path, "w");

	if (!fp)
		return -1;
	for (unsigned p = 0; p < PROV_COUNT; p++)
		for (unsigned k = 0; k < SKEY_MAX; k++) {
			const struct counts *c = &g->truth[p][k];

			if (c->sent | c->bounced | c->expired | c->deferred)
				rows[n++] = (struct row){p, k};
		}
	qsort(rows, n, sizeof(rows[0]), row_cmp);
	fputs("provider,sender_domain,sent,bounced,expired,deferred,"
	      "failure_rate\n", fp);
	for (size_t i = 0; i < n; i++)
		write_row(fp, &rows[i], &g->truth[rows[i].prov][rows[i].skey]);
	return fclose(fp) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* Reception lines: smtpd, cleanup, opendkim, qmgr                    */

static const char *smtpd_name(const struct message *m)
{
	return m->sasl ? "postfix/submission/smtpd" : "postfix/smtpd";
}

static void put_client(struct gen *g, const struct message *m)
{
	struct out *o = &g->out;
	unsigned n = m->client_num;

	switch (m->client_kind) {
	case CL_SUBMIT:
		if (n & 1) {
			PUT_LIT(o, "unknown[");
		} else {
			put_ch(o, 'p');
			put_u64(o, n);
			PUT_LIT(o, "-ipoe.ipoe.ocn.ne.jp[");
		}
		put_ip(o, m->client_ip);
		put_ch(o, ']');
		return;
	case CL_WEB:
		PUT_LIT(o, "www");
		put_u64(o, n % 4 + 1);
		PUT_LIT(o, ".example-hosting.jp[10.0.2.");
		put_u64(o, n % 4 + 11);
		put_ch(o, ']');
		return;
	case CL_LOCALHOST:
		PUT_LIT(o, "localhost[127.0.0.1]");
		return;
	case CL_GOOGLE:
		PUT_LIT(o, "mail-sor-f");
		put_u64(o, n % 80 + 1);
		PUT_LIT(o, ".google.com[209.85.220.");
		put_u64(o, n % 80 + 1);
		put_ch(o, ']');
		return;
	case CL_MICROSOFT:
		PUT_LIT(o, "mail-os0jpn01on20");
		put_u64(o, n % 90 + 10);
		PUT_LIT(o, ".outbound.protection.outlook.com[40.107.74.");
		put_u64(o, n % 90 + 10);
		put_ch(o, ']');
		return;
	case CL_NAMED:
		PUT_LIT(o, "mail");
		put_u64(o, n % 3 + 1);
		put_ch(o, '.');
		put_str(o, domains[m->sender_domain].name);
		break;
	default:
		PUT_LIT(o, "unknown");
		break;
	}
	put_ch(o, '[');
	put_ip(o, m->client_ip);
	put_ch(o, ']');
}

static void step_connect(struct gen *g, uint32_t slot, struct message *m)
{
	struct out *o = &g->out;

	m->smtpd_pid = session_pid_take(g, m->sasl);
	put_prefix(g, smtpd_name(m), m->smtpd_pid);
	PUT_LIT(o, "connect from ");
	put_client(g, m);
	end_line(g);
	if (m->tls) {
		put_prefix(g, smtpd_name(m), m->smtpd_pid);
		PUT_LIT(o, "Anonymous TLS connection established from ");
		put_client(g, m);
		PUT_LIT(o, ": TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 "
			"(256/256 bits) key-exchange X25519 server-signature "
			"RSA-PSS (2048 bits) server-digest SHA256");
		end_line(g);
	}
	schedule(g, slot, STEP_CLIENT, ms_range(g, 30, 900));
}

static void step_client(struct gen *g, uint32_t slot, struct message *m)
{
	struct out *o = &g->out;

	m->created_us = g->now;
	make_qid(g, m);
	put_qid_prefix(g, smtpd_name(m), m->smtpd_pid, m);
	PUT_LIT(o, "client=");
	put_client(g, m);
	if (m->sasl) {
		PUT_LIT(o, ", sasl_method=");
		put_str(o, m->client_num % 3 ? "PLAIN" : "LOGIN");
		PUT_LIT(o, ", sasl_username=");
		put_mem(o, m->sender_local, m->sender_local_len);
		put_ch(o, '@');
		put_str(o, domains[m->sasl_domain].name);
	}
	end_line(g);
	schedule(g, slot, STEP_CLEANUP, ms_range(g, 5, 300));
}

static void put_message_id(struct gen *g, const struct message *m)
{
	struct out *o = &g->out;

	put_ch(o, '<');
	if (m->direction == DIR_INBOUND && m->client_kind == CL_GOOGLE) {
		PUT_LIT(o, "CA");
		put_token(g, ALNUM, 40);
		PUT_LIT(o, "@mail.gmail.com");
	} else {
		put_u64(o, g->now / SEC - rng_below(&g->rng, 5));
		put_ch(o, '.');
		put_token(g, HEX_LOWER, 12);
		put_ch(o, '@');
		put_sender_domain(o, m);
	}
	put_ch(o, '>');
}

/* Lines other programs log with our queue id: to be ignored. */
static void put_cleanup_extras(struct gen *g, const struct message *m)
{
	struct out *o = &g->out;
	uint32_t dkim = g->pids.pool[SVC_OPENDKIM][0];

	if (m->direction == DIR_OUTBOUND && chance(g, PCT(60))) {
		put_qid_prefix(g, "opendkim", dkim, m);
		PUT_LIT(o, "DKIM-Signature field added (s=default, d=");
		put_str(o, domains[m->sender_domain].name);
		put_ch(o, ')');
		end_line(g);
	} else if (m->direction == DIR_INBOUND && chance(g, PCT(40))) {
		put_qid_prefix(g, "opendkim", dkim, m);
		PUT_LIT(o, "DKIM verification successful");
		end_line(g);
	}
	if (chance(g, PCT(0.3))) {
		put_qid_prefix(g, "postfix/cleanup", pid_of(g, SVC_CLEANUP), m);
		PUT_LIT(o, "warning: header Subject: =?UTF-8?B?44GK55+l44KJ44Gb?= "
			"from ");
		put_client(g, m);
		PUT_LIT(o, "; from=<");
		put_sender(o, m);
		PUT_LIT(o, "> to=<");
		put_rcpt(o, &m->rcpt[0]);
		PUT_LIT(o, "> proto=ESMTP helo=<localhost>");
		end_line(g);
	}
}

static void step_cleanup(struct gen *g, uint32_t slot, struct message *m)
{
	put_qid_prefix(g, "postfix/cleanup", pid_of(g, SVC_CLEANUP), m);
	PUT_LIT(&g->out, "message-id=");
	put_message_id(g, m);
	end_line(g);
	put_cleanup_extras(g, m);
	schedule(g, slot, STEP_QUEUED, ms_range(g, 1, 40));
}

static void put_qmgr_from(struct gen *g, const struct message *m)
{
	struct out *o = &g->out;

	put_qid_prefix(g, "postfix/qmgr", g->pids.qmgr, m);
	PUT_LIT(o, "from=<");
	put_sender(o, m);
	PUT_LIT(o, ">, size=");
	put_u64(o, m->size);
	PUT_LIT(o, ", nrcpt=");
	put_u64(o, m->nrcpt);
	PUT_LIT(o, " (queue active)");
	end_line(g);
}

static unsigned next_open(const struct message *m, unsigned from)
{
	while (from < m->nrcpt && m->rcpt[from].state == RS_DONE)
		from++;
	return from;
}

static void step_queued(struct gen *g, uint32_t slot, struct message *m)
{
	put_qmgr_from(g, m);
	m->sender_logged = 1;
	m->attempt = 1;
	m->cursor = (uint8_t)next_open(m, 0);
	if (m->kind == KIND_SMTPD)
		schedule(g, slot, STEP_DISCONNECT, ms_range(g, 5, 150));
	else
		schedule_delivery(g, slot, m, ms_range(g, 20, 800));
}

static void step_disconnect(struct gen *g, uint32_t slot, struct message *m)
{
	struct out *o = &g->out;
	unsigned commands = 4 + m->nrcpt;

	put_prefix(g, smtpd_name(m), m->smtpd_pid);
	PUT_LIT(o, "disconnect from ");
	put_client(g, m);
	if (m->tls) {
		PUT_LIT(o, " ehlo=2 starttls=1");
		commands += 2;
	} else {
		PUT_LIT(o, " ehlo=1");
	}
	if (m->sasl) {
		PUT_LIT(o, " auth=1");
		commands++;
	}
	PUT_LIT(o, " mail=1 rcpt=");
	put_u64(o, m->nrcpt);
	PUT_LIT(o, " data=1 quit=1 commands=");
	put_u64(o, commands);
	end_line(g);
	session_pid_release(g, m->sasl, m->smtpd_pid);
	schedule_delivery(g, slot, m, ms_range(g, 20, 1500));
}

/* ------------------------------------------------------------------ */
/* Delivery lines                                                     */

struct delivery {
	const struct domain *dom;
	const struct reply *rep;
	struct hop hop;
	const char *agent;
	uint32_t pid;
	enum status st;
	unsigned conn_use;	/* 0: a fresh connection */
	int smtp;		/* delivered over the network by postfix/smtp */
};

static struct hop pick_hop(struct gen *g, const struct domain *d, unsigned mx)
{
	struct hop h = {d->mx[0] ? d->mx[0] : d->name, d->ip};
	unsigned n = 0;

	while (n < LEN(d->mx) && d->mx[n])
		n++;
	if (mx < n)
		h.name = d->mx[mx];
	h.ip += rng_below(&g->rng, d->ip_span);
	if ((h.ip & 255) == 0 || (h.ip & 255) == 255)
		h.ip ^= 26;
	return h;
}

/*
 * The deferral a recipient gets in this attempt. A dead site times out
 * on odd attempts; on even ones qmgr still has it marked dead and the
 * error agent answers at once.
 */
static const struct reply *defer_reply_of(const struct message *m,
					  const struct rcpt *r)
{
	const struct family_replies *f = &families[domains[r->domain].family];

	if (f->defer == dead_defer && m->attempt % 2 == 0)
		return &dead_defer[1];
	return &f->defer[r->defer_reply];
}

static int is_timeout(const struct reply *rep)
{
	return strstr(rep->text, "timed out") != NULL;
}

/* Extra time before the line: a timeout is logged 30 s after the try. */
static uint64_t delivery_lead(const struct message *m, const struct rcpt *r)
{
	if (m->attempt <= r->deferrals && is_timeout(defer_reply_of(m, r)))
		return 30 * SEC;
	return 0;
}

static void schedule_delivery(struct gen *g, uint32_t slot, struct message *m,
			      uint64_t after)
{
	schedule(g, slot, STEP_DELIVER,
		 after + delivery_lead(m, &m->rcpt[m->cursor]));
}

static const struct reply *choose_reply(struct gen *g, const struct message *m,
					const struct rcpt *r, enum status st)
{
	const struct family_replies *f = &families[domains[r->domain].family];

	if (st == ST_SENT)
		return &f->sent[rng_below(&g->rng, f->n_sent)];
	if (st == ST_BOUNCED)
		return &f->bounce[r->bounce_reply];
	return defer_reply_of(m, r);
}

static void agent_of(struct gen *g, struct delivery *dv)
{
	enum service svc = SVC_SMTP;

	dv->agent = "postfix/smtp";
	if (dv->rep->form == FORM_SUSPENDED) {
		dv->agent = "postfix/error";
		svc = SVC_ERROR;
	} else if (dv->dom->family == FAM_LOCAL) {
		dv->agent = "postfix/local";
		svc = SVC_LOCAL;
	} else if (dv->dom->family == FAM_VIRTUAL) {
		dv->agent = "postfix/virtual";
		svc = SVC_VIRTUAL;
	} else if (dv->dom->family == FAM_LMTP) {
		dv->agent = "postfix/lmtp";
		svc = SVC_LMTP;
	}
	dv->pid = pid_of(g, svc);
	dv->smtp = svc == SVC_SMTP && dv->rep->form != FORM_NONE;
}

static void delivery_prepare(struct gen *g, const struct message *m,
			     const struct rcpt *r, struct delivery *dv)
{
	dv->dom = &domains[r->domain];
	if (m->attempt <= r->deferrals)
		dv->st = ST_DEFERRED;
	else
		dv->st = r->final == OUT_SENT ? ST_SENT : ST_BOUNCED;
	dv->rep = choose_reply(g, m, r, dv->st);
	dv->hop = pick_hop(g, dv->dom, chance(g, PCT(85)) ? 0
				  : rng_below(&g->rng, 3));
	agent_of(g, dv);
	dv->conn_use = 0;
	if (dv->smtp && dv->st == ST_SENT && chance(g, PCT(20)))
		dv->conn_use = (unsigned)rng_range(&g->rng, 2, 6);
}

static void put_tls_to(struct gen *g, const struct delivery *dv)
{
	struct out *o = &g->out;

	put_prefix(g, "postfix/smtp", dv->pid);
	put_str(o, dv->dom->family == FAM_POSTFIX || dv->dom->family == FAM_EXIM
		   ? "Untrusted" : "Trusted");
	PUT_LIT(o, " TLS connection established to ");
	put_hop(o, &dv->hop);
	if (dv->dom->family == FAM_MICROSOFT) {
		PUT_LIT(o, ":25: TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 "
			"(256/256 bits)");
	} else {
		PUT_LIT(o, ":25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 "
			"(256/256 bits) key-exchange X25519 server-signature ");
		put_str(o, dv->dom->family == FAM_GOOGLE ? "ECDSA (P-256)"
			   : "RSA-PSS (2048 bits)");
		PUT_LIT(o, " server-digest SHA256");
	}
	end_line(g);
}

/* A 4xx from a backup MX before the one that took it: no to=. */
static void put_other_mx_said(struct gen *g, const struct message *m,
			      const struct delivery *dv)
{
	struct out *o = &g->out;
	struct hop alt = pick_hop(g, dv->dom, 1);

	put_qid_prefix(g, "postfix/smtp", dv->pid, m);
	PUT_LIT(o, "host ");
	put_hop(o, &alt);
	PUT_LIT(o, " said: 421-4.7.0 Try again later, closing connection. "
		"(EHLO) 421 4.7.0  ");
	put_gmail_token(g);
	PUT_LIT(o, " - gsmtp (in reply to EHLO command)");
	end_line(g);
}

static void put_relay(struct out *o, const struct delivery *dv)
{
	PUT_LIT(o, "relay=");
	if (dv->rep->form == FORM_NONE || dv->rep->form == FORM_SUSPENDED) {
		PUT_LIT(o, "none");
	} else if (dv->dom->family == FAM_LOCAL) {
		PUT_LIT(o, "local");
	} else if (dv->dom->family == FAM_VIRTUAL) {
		PUT_LIT(o, "virtual");
	} else if (dv->dom->family == FAM_LMTP) {
		PUT_LIT(o, LMTP_RELAY);
	} else {
		put_hop(o, &dv->hop);
		PUT_LIT(o, ":25");
	}
	if (dv->conn_use) {
		PUT_LIT(o, ", conn_use=");
		put_u64(o, dv->conn_use);
	}
}

/* delay=total, delays=before qmgr/in qmgr/connection setup/transmission */
static void put_delays(struct gen *g, const struct message *m,
		       const struct delivery *dv)
{
	struct out *o = &g->out;
	uint64_t total = g->now - m->created_us;
	int none = dv->rep->form == FORM_NONE || dv->rep->form == FORM_SUSPENDED;
	uint64_t b = chance(g, PCT(70)) ? rng_below(&g->rng, 9000)
					: ms_range(g, 10, 80);
	uint64_t c = dv->smtp && !dv->conn_use ? ms_range(g, 40, 700)
					       : rng_below(&g->rng, 4000);
	uint64_t d = none ? 0 : dv->smtp ? ms_range(g, 20, 1200)
					 : ms_range(g, 1, 60);

	if (is_timeout(dv->rep) && dv->rep->form == FORM_NONE)
		c = 30 * SEC + rng_below(&g->rng, 50000);
	else if (is_timeout(dv->rep))
		d = 30 * SEC + rng_below(&g->rng, 50000);
	if (b + c + d > total) {	/* a quick one: split what there is */
		b = total * rng_below(&g->rng, 10) / 100;
		c = total * rng_range(&g->rng, 15, 45) / 100;
		d = none ? 0 : total * rng_range(&g->rng, 15, 40) / 100;
	}
	PUT_LIT(o, ", delay=");
	put_delay(o, total);
	PUT_LIT(o, ", delays=");
	put_delay(o, total - b - c - d);
	put_ch(o, '/');
	put_delay(o, b);
	put_ch(o, '/');
	put_delay(o, c);
	put_ch(o, '/');
	put_delay(o, d);
}

static void put_status_text(struct gen *g, const struct message *m,
			    const struct rcpt *r, const struct delivery *dv)
{
	struct out *o = &g->out;
	const struct reply *rep = dv->rep;
	struct xvars v = {m, r, &dv->hop};

	if (rep->form == FORM_SAID || rep->form == FORM_REFUSED) {
		PUT_LIT(o, "host ");
		if (dv->dom->family == FAM_LMTP)
			PUT_LIT(o, LMTP_RELAY);
		else
			put_hop(o, &dv->hop);
		put_str(o, rep->form == FORM_SAID ? " said: "
			   : " refused to talk to me: ");
	} else if (rep->form == FORM_SUSPENDED) {
		PUT_LIT(o, "delivery temporarily suspended: ");
	}
	put_expand(g, rep->text, &v);
	if (rep->form == FORM_SAID) {
		PUT_LIT(o, " (in reply to ");
		put_str(o, rep->cmd);
		PUT_LIT(o, " command)");
	}
}

static void put_delivery_line(struct gen *g, const struct message *m,
			      const struct rcpt *r, const struct delivery *dv)
{
	static const char *const status_word[] = {
		[ST_SENT] = "sent", [ST_BOUNCED] = "bounced",
		[ST_DEFERRED] = "deferred",
	};
	struct out *o = &g->out;

	put_qid_prefix(g, dv->agent, dv->pid, m);
	PUT_LIT(o, "to=<");
	put_rcpt(o, r);
	if (r->alias) {
		PUT_LIT(o, ">, orig_to=<");
		put_str(o, alias_names[r->alias - 1]);
		put_ch(o, '@');
		put_str(o, domains[r->alias_domain].name);
	}
	PUT_LIT(o, ">, ");
	put_relay(o, dv);
	put_delays(g, m, dv);
	PUT_LIT(o, ", dsn=");
	put_str(o, dv->rep->dsn);
	PUT_LIT(o, ", status=");
	put_str(o, status_word[dv->st]);
	PUT_LIT(o, " (");
	put_status_text(g, m, r, dv);
	put_ch(o, ')');
	end_line(g);
}

static void put_dovecot_saved(struct gen *g, const struct rcpt *r)
{
	struct out *o = &g->out;

	put_prefix(g, "dovecot", 0);
	PUT_LIT(o, "lmtp(");
	put_mem(o, r->local, r->local_len);
	put_ch(o, '@');
	put_str(o, domains[r->domain].name);
	PUT_LIT(o, ")<");
	put_u64(o, rng_range(&g->rng, 2000, 60000));
	PUT_LIT(o, "><");
	put_token(g, ALNUM, 22);
	PUT_LIT(o, ">: msgid=<");
	put_token(g, HEX_LOWER, 16);
	PUT_LIT(o, "@mail.example>: saved mail to INBOX");
	end_line(g);
}

static void emit_delivery(struct gen *g, struct message *m, struct rcpt *r)
{
	struct delivery dv;

	delivery_prepare(g, m, r, &dv);
	if (dv.smtp && !dv.conn_use && chance(g, PCT(35)))
		put_tls_to(g, &dv);
	if (dv.dom->family == FAM_GOOGLE && dv.st == ST_SENT && chance(g, PCT(2)))
		put_other_mx_said(g, m, &dv);
	put_delivery_line(g, m, r, &dv);
	if (dv.dom->family == FAM_LMTP && dv.st == ST_SENT && chance(g, PCT(50)))
		put_dovecot_saved(g, r);
	account(g, m, r, dv.st);
}

/* ------------------------------------------------------------------ */
/* Attempts, retries, expiry, notifications, removal                  */

static void step_deliver(struct gen *g, uint32_t slot, struct message *m)
{
	unsigned next;

	emit_delivery(g, m, &m->rcpt[m->cursor]);
	next = next_open(m, m->cursor + 1u);
	if (next < m->nrcpt) {
		m->cursor = (uint8_t)next;
		schedule_delivery(g, slot, m, ms_range(g, 5, 500));
	} else {
		schedule(g, slot, STEP_ATTEMPT_DONE, ms_range(g, 1, 20));
	}
}

static unsigned count_open(const struct message *m)
{
	unsigned n = 0;

	for (unsigned i = 0; i < m->nrcpt; i++)
		n += m->rcpt[i].state != RS_DONE;
	return n;
}

static void emit_expired(struct gen *g, struct message *m)
{
	struct out *o = &g->out;

	put_qid_prefix(g, "postfix/qmgr", g->pids.qmgr, m);
	PUT_LIT(o, "from=<");
	put_sender(o, m);
	PUT_LIT(o, ">, status=expired, returned to sender");
	end_line(g);
	for (unsigned i = 0; i < m->nrcpt; i++) {
		struct rcpt *r = &m->rcpt[i];

		if (r->state == RS_DONE)
			continue;
		truth_cell(g, m, r)->expired++;
		g->stats.expired++;
		r->state = RS_DONE;
	}
	m->failed = 1;
}

/* The message the bounce daemon writes back to the original sender. */
static struct message *spawn_notice(struct gen *g, const struct message *parent,
				    uint32_t *slot)
{
	struct message *n = msg_alloc(g, slot);
	struct rcpt *r;

	if (!n)
		return NULL;
	n->kind = KIND_NOTICE;
	n->sender_domain = SENDER_NULL;
	n->nrcpt = 1;
	n->size = (uint32_t)rng_range(&g->rng, 2400, 9000);
	n->created_us = g->now;
	make_qid(g, n);
	r = &n->rcpt[0];
	memcpy(r->local, parent->sender_local, sizeof(r->local));
	r->local_len = parent->sender_local_len;
	r->domain = parent->sender_domain;
	r->case_style = parent->sender_case;
	r->final = chance(g, g->fail_good_ppm / 4) ? OUT_BOUNCED : OUT_SENT;
	r->deferrals = chance(g, PCT(3)) ? (uint8_t)(1 + rng_below(&g->rng, 2)) : 0;
	plan_replies(g, n, r);
	g->stats.notices++;
	return n;
}

static void put_notice_msgid(struct gen *g, const struct message *n)
{
	struct out *o = &g->out;
	struct civil c = civil_from_time((int64_t)(g->now / SEC));

	put_qid_prefix(g, "postfix/cleanup", pid_of(g, SVC_CLEANUP), n);
	PUT_LIT(o, "message-id=<");
	put_padded(o, (uint64_t)c.year, 4);
	put_padded(o, c.mon, 2);
	put_padded(o, c.day, 2);
	put_padded(o, c.hour, 2);
	put_padded(o, c.min, 2);
	put_padded(o, c.sec, 2);
	put_ch(o, '.');
	put_mem(o, n->qid, n->qid_len);
	PUT_LIT(o, "@" OUR_FQDN ">");
	end_line(g);
}

/*
 * cleanup NEWQID message-id, qmgr NEWQID from=<>, bounce QID: sender
 * (non-delivery|delay) notification: NEWQID - in the order Postfix logs.
 */
static void emit_notice(struct gen *g, const struct message *m, int delay)
{
	struct out *o = &g->out;
	uint32_t nslot;
	struct message *n = spawn_notice(g, m, &nslot);

	if (!n)
		return;
	put_notice_msgid(g, n);
	step_queued(g, nslot, n);
	put_qid_prefix(g, "postfix/bounce", pid_of(g, SVC_BOUNCE), m);
	put_str(o, delay ? "sender delay notification: "
		   : "sender non-delivery notification: ");
	put_mem(o, n->qid, n->qid_len);
	end_line(g);
}

static uint64_t retry_backoff(struct gen *g, unsigned attempt)
{
	uint64_t base = (300 * SEC) << (attempt > 4 ? 3 : attempt - 1);

	return base + rng_range(&g->rng, 0, base / 3);
}

static int wants_notice(const struct message *m)
{
	return m->failed && m->kind != KIND_NOTICE &&
	       m->sender_domain != SENDER_NULL;
}

static void step_attempt_done(struct gen *g, uint32_t slot, struct message *m)
{
	if (!count_open(m)) {
		schedule(g, slot, wants_notice(m) ? STEP_NOTIFY : STEP_REMOVE,
			 ms_range(g, 1, 10));
		return;
	}
	if (m->expire_after && m->attempt >= m->expire_after) {
		emit_expired(g, m);
		schedule(g, slot, STEP_NOTIFY, ms_range(g, 1, 10));
		return;
	}
	if (m->attempt == 2 && !m->delay_noticed && m->kind == KIND_SMTPD &&
	    m->sender_domain != SENDER_NULL && chance(g, PCT(25))) {
		m->delay_noticed = 1;
		emit_notice(g, m, 1);
	}
	schedule(g, slot, STEP_RETRY, retry_backoff(g, m->attempt));
}

static void step_retry(struct gen *g, uint32_t slot, struct message *m)
{
	put_qmgr_from(g, m);
	m->sender_logged = 1;
	m->attempt++;
	m->cursor = (uint8_t)next_open(m, 0);
	schedule_delivery(g, slot, m, ms_range(g, 10, 900));
}

static void step_notify(struct gen *g, uint32_t slot, struct message *m)
{
	emit_notice(g, m, 0);
	schedule(g, slot, STEP_REMOVE, ms_range(g, 1, 10));
}

static void step_remove(struct gen *g, uint32_t slot, struct message *m)
{
	put_qid_prefix(g, "postfix/qmgr", g->pids.qmgr, m);
	PUT_LIT(&g->out, "removed");
	end_line(g);
	msg_free(g, slot);
}

static void run_step(struct gen *g, uint32_t slot)
{
	struct message *m = &g->pool[slot];

	switch (m->step) {
	case STEP_CONNECT: step_connect(g, slot, m); break;
	case STEP_CLIENT: step_client(g, slot, m); break;
	case STEP_CLEANUP: step_cleanup(g, slot, m); break;
	case STEP_QUEUED: step_queued(g, slot, m); break;
	case STEP_DISCONNECT: step_disconnect(g, slot, m); break;
	case STEP_DELIVER: step_deliver(g, slot, m); break;
	case STEP_ATTEMPT_DONE: step_attempt_done(g, slot, m); break;
	case STEP_RETRY: step_retry(g, slot, m); break;
	case STEP_NOTIFY: step_notify(g, slot, m); break;
	case STEP_REMOVE: step_remove(g, slot, m); break;
	}
}

/* ------------------------------------------------------------------ */
/* Arrivals and the messages in flight when the log starts            */

static uint64_t arrival_gap(struct gen *g)
{
	unsigned hour = (unsigned)((g->now / SEC + 9 * 3600) % 86400 / 3600);
	uint64_t mean = ARRIVAL_GAP_US * 100 / hour_load[hour];

	if (g->burst_left)
		return ms_range(g, 5, 40);
	return rng_range(&g->rng, 0, 2 * mean);
}

static int arrivals_done(const struct gen *g)
{
	if (g->opt.messages)
		return g->stats.messages >= g->opt.messages;
	return out_bytes(&g->out) >= g->opt.size;
}

static void maybe_start_burst(struct gen *g)
{
	if (g->burst_left || !chance(g, PCT(0.1)))
		return;
	g->burst_left = (uint32_t)rng_range(&g->rng, 50, 400);
	g->burst_domain = picker_pick(g, &g->pick.local_sender);
}

static void on_arrival(struct gen *g)
{
	uint32_t slot;
	struct message *m;

	if (arrivals_done(g)) {
		g->stopping = 1;
		g->end_us = g->now + TAIL_US;
		return;
	}
	maybe_start_burst(g);
	m = msg_alloc(g, &slot);
	if (m) {
		plan_message(g, m, KIND_SMTPD);
		g->stats.messages++;
		schedule(g, slot, STEP_CONNECT, 0);
	} else {
		g->stats.skipped++;
	}
	heap_push(g, g->now + arrival_gap(g), SLOT_ARRIVAL);
}

/*
 * Messages queued before the log starts: no smtpd, cleanup or qmgr
 * from= line, so their deliveries belong to sender "?". They never
 * defer, so no retry from= line could reveal the sender later.
 */
static void seed_prelog(struct gen *g, uint64_t count)
{
	uint64_t start = g->now;

	for (uint64_t i = 0; i < count; i++) {
		uint32_t slot;
		struct message *m = msg_alloc(g, &slot);

		if (!m)
			return;
		plan_message(g, m, KIND_PRELOG);
		g->now = start - rng_range(&g->rng, 5 * SEC, 900 * SEC);
		m->created_us = g->now;
		make_qid(g, m);
		g->now = start;
		m->attempt = 1;
		m->cursor = 0;
		schedule_delivery(g, slot, m, ms_range(g, 0, 2000));
		g->stats.messages++;
		g->stats.prelog++;
	}
}

static uint64_t prelog_count(const struct options *opt)
{
	uint64_t n = opt->messages ? opt->messages / 200 : opt->size / 300000;

	return n > 500 ? 500 : n;
}

/* ------------------------------------------------------------------ */
/* Noise: lines from other programs and ones without a delivery       */

static void put_random_ip(struct gen *g)
{
	put_ip(&g->out, IP4(198, 51, 100, 0) + 2 + rng_below(&g->rng, 250));
}

static void noise_noqueue(struct gen *g)
{
	struct out *o = &g->out;
	uint8_t local = picker_pick(g, &g->pick.local);
	char who[LOCAL_MAX];
	uint8_t len;

	make_person(g, who, &len);
	put_prefix(g, "postfix/smtpd", session_pid_peek(g, 0));
	PUT_LIT(o, "NOQUEUE: reject: RCPT from unknown[");
	put_random_ip(g);
	const char *rcpt_domain = domains[local].name;

	if (chance(g, PCT(50))) {
		rcpt_domain = "gmail.com";
		PUT_LIT(o, "]: 554 5.7.1 <");
		put_mem(o, who, len);
		PUT_LIT(o, "@gmail.com>: Relay access denied; from=<");
	} else {
		PUT_LIT(o, "]: 550 5.1.1 <");
		put_mem(o, who, len);
		put_ch(o, '@');
		put_str(o, rcpt_domain);
		PUT_LIT(o, ">: Recipient address rejected: User unknown in "
			"virtual mailbox table; from=<");
	}
	put_token(g, LOWER, 8);
	PUT_LIT(o, "@spam-sender.example> to=<");
	put_mem(o, who, len);
	put_ch(o, '@');
	put_str(o, rcpt_domain);
	PUT_LIT(o, "> proto=ESMTP helo=<WIN-");
	put_token(g, HEX_UPPER, 11);
	put_ch(o, '>');
	end_line(g);
}

static void noise_warning(struct gen *g)
{
	struct out *o = &g->out;

	if (chance(g, PCT(50))) {
		put_prefix(g, "postfix/submission/smtpd", session_pid_peek(g, 1));
		PUT_LIT(o, "warning: unknown[");
		put_random_ip(g);
		PUT_LIT(o, "]: SASL LOGIN authentication failed: UGFzc3dvcmQ6");
	} else {
		put_prefix(g, "postfix/smtpd", session_pid_peek(g, 0));
		PUT_LIT(o, "warning: hostname ");
		put_token(g, LOWER, 6);
		PUT_LIT(o, ".dynamic.example.net does not resolve to address ");
		put_random_ip(g);
		PUT_LIT(o, ": Name or service not known");
	}
	end_line(g);
}

static void noise_postscreen(struct gen *g)
{
	struct out *o = &g->out;
	uint32_t pid = pid_of(g, SVC_POSTSCREEN);
	uint32_t ip = IP4(198, 51, 100, 0) + 2 + rng_below(&g->rng, 250);
	uint64_t port = rng_range(&g->rng, 1024, 65535);

	put_prefix(g, "postfix/postscreen", pid);
	PUT_LIT(o, "CONNECT from [");
	put_ip(o, ip);
	PUT_LIT(o, "]:");
	put_u64(o, port);
	PUT_LIT(o, " to [" OUR_IP "]:25");
	end_line(g);
	put_prefix(g, "postfix/postscreen", pid);
	put_str(o, chance(g, PCT(80)) ? "PASS OLD [" : "PASS NEW [");
	put_ip(o, ip);
	PUT_LIT(o, "]:");
	put_u64(o, port);
	end_line(g);
}

static void noise_dovecot(struct gen *g)
{
	struct out *o = &g->out;
	uint8_t d = picker_pick(g, &g->pick.local);
	char who[LOCAL_MAX];
	uint8_t len;

	make_person(g, who, &len);
	put_prefix(g, "dovecot", 0);
	if (chance(g, PCT(80))) {
		PUT_LIT(o, "imap-login: Login: user=<");
	} else {
		PUT_LIT(o, "imap-login: Disconnected (auth failed, 1 attempts in "
			"2 secs): user=<");
	}
	put_mem(o, who, len);
	put_ch(o, '@');
	put_str(o, domains[d].name);
	PUT_LIT(o, ">, method=PLAIN, rip=");
	put_random_ip(g);
	PUT_LIT(o, ", lip=" OUR_IP ", mpid=");
	put_u64(o, rng_range(&g->rng, 2000, 60000));
	PUT_LIT(o, ", TLS, session=<");
	put_token(g, ALNUM, 16);
	put_ch(o, '>');
	end_line(g);
}

static void noise_network(struct gen *g)
{
	struct out *o = &g->out;

	put_prefix(g, "postfix/smtp", pid_of(g, SVC_SMTP));
	PUT_LIT(o, "connect to alt");
	put_u64(o, 1 + rng_below(&g->rng, 4));
	PUT_LIT(o, ".gmail-smtp-in.l.google.com[2607:f8b0:4023:c0");
	put_u64(o, rng_below(&g->rng, 10));
	PUT_LIT(o, "::1a]:25: Network is unreachable");
	end_line(g);
}

static void noise_lost(struct gen *g)
{
	struct out *o = &g->out;
	uint32_t pid = session_pid_peek(g, 0);
	uint32_t ip = IP4(198, 51, 100, 0) + 2 + rng_below(&g->rng, 250);

	put_prefix(g, "postfix/smtpd", pid);
	PUT_LIT(o, "connect from unknown[");
	put_ip(o, ip);
	put_ch(o, ']');
	end_line(g);
	put_prefix(g, "postfix/smtpd", pid);
	PUT_LIT(o, "lost connection after AUTH from unknown[");
	put_ip(o, ip);
	put_ch(o, ']');
	end_line(g);
	put_prefix(g, "postfix/smtpd", pid);
	PUT_LIT(o, "disconnect from unknown[");
	put_ip(o, ip);
	PUT_LIT(o, "] ehlo=1 auth=0/1 commands=1/2");
	end_line(g);
}

static void on_noise(struct gen *g)
{
	switch (rng_below(&g->rng, 8)) {
	case 0: case 1: noise_noqueue(g); break;
	case 2: noise_warning(g); break;
	case 3: case 4: noise_postscreen(g); break;
	case 5: noise_dovecot(g); break;
	case 6: noise_network(g); break;
	default: noise_lost(g); break;
	}
	heap_push(g, g->now + rng_range(&g->rng, 0, 2 * NOISE_GAP_US), SLOT_NOISE);
}

static void put_bsd_at(struct gen *g, int64_t t)
{
	char buf[16];

	put_mem(&g->out, buf, (size_t)(fmt_bsd(buf, t) - buf));
}

static void stats_anvil(struct gen *g)
{
	struct out *o = &g->out;
	int64_t at = (int64_t)(g->now / SEC) - rng_below(&g->rng, 500);

	put_prefix(g, "postfix/anvil", g->pids.anvil);
	PUT_LIT(o, "statistics: max connection rate ");
	put_u64(o, rng_range(&g->rng, 1, 12));
	PUT_LIT(o, "/60s for (smtp:");
	put_random_ip(g);
	PUT_LIT(o, ") at ");
	put_bsd_at(g, at);
	end_line(g);
	put_prefix(g, "postfix/anvil", g->pids.anvil);
	PUT_LIT(o, "statistics: max cache size ");
	put_u64(o, rng_range(&g->rng, 2, 40));
	PUT_LIT(o, " at ");
	put_bsd_at(g, at);
	end_line(g);
}

static void stats_scache(struct gen *g)
{
	struct out *o = &g->out;
	uint64_t hits = rng_range(&g->rng, 0, 90), miss = rng_range(&g->rng, 1, 60);

	put_prefix(g, "postfix/scache", g->pids.scache);
	PUT_LIT(o, "statistics: start interval ");
	put_bsd_at(g, (int64_t)(g->now / SEC) - 600);
	end_line(g);
	put_prefix(g, "postfix/scache", g->pids.scache);
	PUT_LIT(o, "statistics: domain lookup hits=");
	put_u64(o, hits);
	PUT_LIT(o, " miss=");
	put_u64(o, miss);
	PUT_LIT(o, " success=");
	put_u64(o, hits * 100 / (hits + miss));
	put_ch(o, '%');
	end_line(g);
	put_prefix(g, "postfix/scache", g->pids.scache);
	PUT_LIT(o, "statistics: max simultaneous domains=");
	put_u64(o, rng_range(&g->rng, 1, 6));
	PUT_LIT(o, " addresses=");
	put_u64(o, rng_range(&g->rng, 1, 8));
	PUT_LIT(o, " connection=");
	put_u64(o, rng_range(&g->rng, 1, 9));
	end_line(g);
}

static void on_stats(struct gen *g)
{
	stats_anvil(g);
	stats_scache(g);
	heap_push(g, g->now + STATS_GAP_US + rng_below(&g->rng, 5000000),
		  SLOT_STATS);
}

/* ------------------------------------------------------------------ */
/* Driver                                                             */

static void run(struct gen *g)
{
	while (g->heap.len) {
		struct event e = heap_pop(&g->heap);

		if (g->stopping && e.at > g->end_us)
			break;
		g->now = e.at;
		out_reserve(&g->out);
		if (e.slot == SLOT_ARRIVAL)
			on_arrival(g);
		else if (e.slot == SLOT_NOISE)
			on_noise(g);
		else if (e.slot == SLOT_STATS)
			on_stats(g);
		else
			run_step(g, e.slot);
	}
	out_flush(&g->out);
}

static void gen_init(struct gen *g)
{
	rng_seed(&g->rng, g->opt.seed);
	g->stamp.rfc3339 = g->opt.rfc3339;
	g->stamp.sec = -1;
	g->out.buf = xcalloc(OUT_CAP, 1);
	g->pool = xcalloc(POOL_CAP, sizeof(*g->pool));
	g->free_slots = xcalloc(POOL_CAP, sizeof(*g->free_slots));
	for (uint32_t i = 0; i < POOL_CAP; i++)
		g->free_slots[i] = POOL_CAP - 1 - i;
	g->n_free = POOL_CAP;
	g->heap.cap = POOL_CAP + 8;
	g->heap.ev = xcalloc(g->heap.cap, sizeof(*g->heap.ev));
	pickers_init(&g->pick);
	failure_rates_init(g);
	pids_init(g);
	g->inode = 0x100000 + rng_below(&g->rng, 0x400000);
	g->now = (uint64_t)g->opt.start * SEC;
	seed_prelog(g, prelog_count(&g->opt));
	heap_push(g, g->now + 2 * SEC, SLOT_ARRIVAL);
	heap_push(g, g->now + rng_below(&g->rng, 3000000), SLOT_NOISE);
	heap_push(g, g->now + rng_range(&g->rng, 60 * SEC, STATS_GAP_US),
		  SLOT_STATS);
}

static uint64_t count_pending(const struct gen *g)
{
	uint64_t n = 0;

	for (uint32_t s = 0; s < POOL_CAP; s++) {
		const struct message *m = &g->pool[s];

		if (m->kind == KIND_FREE)
			continue;
		for (unsigned i = 0; i < m->nrcpt; i++)
			n += m->rcpt[i].state == RS_DEFERRED;
	}
	return n;
}

static void print_summary(const struct gen *g)
{
	const struct stats *s = &g->stats;

	fprintf(stderr, "bs-gen-maillog: seed=%llu messages=%llu (prelog=%llu) "
		"notices=%llu lines=%llu bytes=%llu recipients sent=%llu "
		"bounced=%llu expired=%llu pending=%llu deferred_attempts=%llu "
		"skipped_arrivals=%llu\n",
		(unsigned long long)g->opt.seed, (unsigned long long)s->messages,
		(unsigned long long)s->prelog, (unsigned long long)s->notices,
		(unsigned long long)g->out.lines,
		(unsigned long long)out_bytes(&g->out),
		(unsigned long long)s->sent, (unsigned long long)s->bounced,
		(unsigned long long)s->expired,
		(unsigned long long)count_pending(g),
		(unsigned long long)s->deferred, (unsigned long long)s->skipped);
}

/* ------------------------------------------------------------------ */
/* Command line                                                       */

static void usage(void)
{
	fputs("usage: bs-gen-maillog [--seed N] [--messages N | --size BYTES]\n"
	      "         [--start 'YYYY-MM-DD HH:MM:SS'] [--year-format bsd|rfc3339]\n"
	      "         [--long-queue-ids] [--failure-share PCT] [--truth FILE]\n"
	      "         [-o FILE]\n"
	      "  --size accepts a k, M or G suffix (powers of 1024).\n", stderr);
	exit(2);
}

static uint64_t parse_u64(const char *s, int allow_suffix)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		usage();
	if (allow_suffix && *end) {
		const char *suffixes = "kKmMgG";
		const char *hit = strchr(suffixes, *end);

		if (!hit || end[1])
			usage();
		v <<= 10 * (1 + (hit - suffixes) / 2);
		end++;
	}
	if (*end)
		usage();
	return v;
}

static unsigned parse_field(const char **p, int digits, unsigned lo, unsigned hi)
{
	unsigned v = 0;

	for (int i = 0; i < digits; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			usage();
		v = v * 10 + (unsigned)(**p - '0');
	}
	if (v < lo || v > hi)
		usage();
	return v;
}

static void expect_char(const char **p, const char *allowed)
{
	if (!**p || !strchr(allowed, **p))
		usage();
	(*p)++;
}

/* "YYYY-MM-DD HH:MM:SS" (or with a 'T'), UTC. */
static int64_t parse_start(const char *s)
{
	const char *p = s;
	unsigned y = parse_field(&p, 4, 1970, 9999);
	unsigned mo, d, h, mi, sec;

	expect_char(&p, "-");
	mo = parse_field(&p, 2, 1, 12);
	expect_char(&p, "-");
	d = parse_field(&p, 2, 1, 31);
	expect_char(&p, " T");
	h = parse_field(&p, 2, 0, 23);
	expect_char(&p, ":");
	mi = parse_field(&p, 2, 0, 59);
	expect_char(&p, ":");
	sec = parse_field(&p, 2, 0, 59);
	if (*p)
		usage();
	return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
}

static uint32_t parse_share(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !(v >= 0 && v <= 100))
		usage();
	return (uint32_t)(v * 10000 + 0.5);
}

static const char *need_arg(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		usage();
	return argv[++*i];
}

static void parse_options(int argc, char **argv, struct options *opt)
{
	*opt = (struct options){.seed = 1, .messages = 1000,
				.failure_ppm = PCT(8)};
	opt->start = parse_start("2026-11-01 00:00:00");
	int by_count = 0, by_size = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--seed"))
			opt->seed = parse_u64(need_arg(argc, argv, &i), 0);
		else if (!strcmp(a, "--messages"))
			opt->messages = parse_u64(need_arg(argc, argv, &i), 0), by_count = 1;
		else if (!strcmp(a, "--size"))
			opt->size = parse_u64(need_arg(argc, argv, &i), 1), by_size = 1;
		else if (!strcmp(a, "--start"))
			opt->start = parse_start(need_arg(argc, argv, &i));
		else if (!strcmp(a, "--year-format")) {
			const char *f = need_arg(argc, argv, &i);

			if (strcmp(f, "bsd") && strcmp(f, "rfc3339"))
				usage();
			opt->rfc3339 = !strcmp(f, "rfc3339");
		} else if (!strcmp(a, "--long-queue-ids"))
			opt->long_qids = 1;
		else if (!strcmp(a, "--failure-share"))
			opt->failure_ppm = parse_share(need_arg(argc, argv, &i));
		else if (!strcmp(a, "--truth"))
			opt->truth_path = need_arg(argc, argv, &i);
		else if (!strcmp(a, "-o"))
			opt->out_path = need_arg(argc, argv, &i);
		else
			usage();
	}
	if (by_count && by_size)
		usage();
	if (by_size)
		opt->messages = 0;
}

int main(int argc, char **argv)
{
	static struct gen g;
	int rc = 0;

	parse_options(argc, argv, &g.opt);
	g.out.fp = stdout;
	if (g.opt.out_path && !(g.out.fp = fopen(g.opt.out_path, "wb"))) {
		fprintf(stderr, "bs-gen-maillog: %s: %s\n", g.opt.out_path,
			strerror(errno));
		return 1;
	}
	gen_init(&g);
	run(&g);
	if (fflush(g.out.fp) || g.out.failed ||
	    (g.opt.out_path && fclose(g.out.fp))) {
		fprintf(stderr, "bs-gen-maillog: write error: %s\n",
			strerror(errno));
		rc = 1;
	}
	if (g.opt.truth_path && write_truth(&g, g.opt.truth_path)) {
		fprintf(stderr, "bs-gen-maillog: %s: %s\n", g.opt.truth_path,
			strerror(errno));
		rc = 1;
	}
	print_summary(&g);
	return rc;
}
