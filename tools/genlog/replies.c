/*
 * replies.c - the reply texts, family by family
 *
 * Texts as the providers send them, with the variables of struct reply
 * where the real text carries an address, a host or a token.
 */
#include "replies.h"

#include <string.h>

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
    {FORM_REFUSED, 0, "4.7.0", NULL,
     "421 4.7.0 Too many connections, slow down"},
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
    {FORM_SAID, 0, "4.4.5", "MAIL FROM",
     "421 4.4.5 Server busy, try again later"},
    {FORM_SAID, 0, "4.2.1", "RCPT TO",
     "450 4.2.1 Mailbox temporarily unavailable"},
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
    {FORM_SAID, 0, "4.3.5", "RCPT TO",
     "451 4.3.5 Server configuration problem"},
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

/* Index 1 (REPLY_DEAD_SUSPENDED) is what qmgr says once the site is dead. */
static const struct reply dead_defer[] = {
    {FORM_NONE, 0, "4.4.1", NULL, "connect to %h:25: Connection timed out"},
    {FORM_SUSPENDED, 0, "4.4.1", NULL,
     "connect to %h:25: Connection timed out"},
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

#define SET(a)  a, (uint8_t)LEN(a)
#define NOSET   NULL, 0

const struct family_replies families[FAM_COUNT] = {
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

int reply_is_timeout(const struct reply *rep)
{
    return strstr(rep->text, "timed out") != NULL;
}
