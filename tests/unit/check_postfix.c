/*
 * check_postfix.c - tests of the Postfix parser (parsers/postfix.c)
 *
 * Each line goes the way the engine sends it: bs_syslog_parse(), then
 * bs_parser_for_program() on the program, then the parser's parse(). The
 * tables cover every line form in the header comment of postfix.c: qmgr
 * sender, expiry and removal; postsuper removal; bounce notifications; the
 * delivery records of every delivery daemon with each status word; odd but
 * real forms (orig_to=, "conn_use=2 delay=", lines without dsn=, long and
 * short queue ids, IPv6 and socket relays, quoted local parts, response
 * texts with parentheses, multi-line replies joined, a text cut by the
 * syslog size limit); lines that are Postfix but carry no delivery fact
 * (SKIPPED); delivery-looking lines that do not parse (UNPARSED); and
 * programs that are not Postfix at all.
 */
#include "parser.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every line is stamped Nov 27 18:13:18 of the explicit year 2026. */
#define TEST_YEAR 2026
#define TEST_TIME 1795803198 /* 2026-11-27T18:13:18Z */
#define AT "Nov 27 18:13:18 mx1 "
#define PF(daemon, pid) AT "postfix/" daemon "[" pid "]: "

static void assert_slice(struct bs_slice got, const char *want,
                         const char *field, const char *line)
{
    if (!want)
        want = "";
    size_t n = strlen(want);
    ck_assert_msg(got.len == n && (n == 0 || memcmp(got.ptr, want, n) == 0),
                  "%s: got \"%.*s\", want \"%s\" in \"%s\"", field,
                  (int)got.len, got.ptr ? got.ptr : "", want, line);
}

/* Runs a line through the syslog prefix and the parser that claims it. */
static enum bs_parse_result parse_line(const char *line,
                                       struct bs_syslog_record *rec,
                                       struct bs_event *ev)
{
    struct bs_syslog_year y;
    bs_syslog_year_init(&y, TEST_YEAR, 0);
    int rc = bs_syslog_parse(&y, line, strlen(line), rec);
    ck_assert_msg(rc == BS_SYSLOG_OK, "syslog rc %d for \"%s\"", rc, line);
    const struct bs_parser_ops *ops = bs_parser_for_program(rec->program);
    ck_assert_msg(ops != NULL, "no parser claims \"%.*s\"",
                  (int)rec->program.len, rec->program.ptr);
    ck_assert_str_eq(ops->name, "postfix");
    return ops->parse(rec, ev);
}

/* ------------------------------------------------------------------ */
/* Lines that give an event: every field checked (NULL means empty)    */

struct event_case {
    const char *line;
    enum bs_event_kind kind;
    enum bs_delivery_status status; /* checked for deliveries only */
    const char *queue_id;
    const char *sender;
    bool sender_is_null;
    const char *recipient, *relay_host, *relay_ip, *dsn, *text;
};

static const struct event_case event_cases[] = {
    /* cleanup: every new message, our own notifications included */
    { .line = PF("cleanup", "8966") "3F2A81C0B7: message-id=<20261127181317"
              ".3F2A81C0B7@mx1.shop.example>",
      .kind = BS_EV_MESSAGE_NEW, .queue_id = "3F2A81C0B7" },
    { .line = PF("cleanup", "8966") "A55EA2E01B5: message-id=",
      .kind = BS_EV_MESSAGE_NEW, .queue_id = "A55EA2E01B5" },
    /* qmgr: the envelope sender */
    { .line = PF("qmgr", "2211") "3F2A81C0B7: from=<news@shop.example>, "
              "size=4182, nrcpt=2 (queue active)",
      .kind = BS_EV_MESSAGE_SENDER, .queue_id = "3F2A81C0B7",
      .sender = "news@shop.example" },
    { .line = PF("qmgr", "2211") "7B1E04A2C1: from=<>, size=3120, nrcpt=1 "
              "(queue active)",
      .kind = BS_EV_MESSAGE_SENDER, .queue_id = "7B1E04A2C1",
      .sender_is_null = true },
    /* old Postfix: no nrcpt= */
    { .line = PF("qmgr", "22331") "7E0E6196: from=<ops@corp.example>, "
              "size=1141 (queue active)",
      .kind = BS_EV_MESSAGE_SENDER, .queue_id = "7E0E6196",
      .sender = "ops@corp.example" },
    /* a sender with spaces in a quoted local part */
    { .line = PF("qmgr", "2211") "4AEFAF569C11: from=<\"Sales Team\"@corp."
              "example>, size=4051, nrcpt=1 (queue active)",
      .kind = BS_EV_MESSAGE_SENDER, .queue_id = "4AEFAF569C11",
      .sender = "\"Sales Team\"@corp.example" },
    /* RFC 3339 stamp, long queue id */
    { .line = "2026-11-27T19:13:18.278515+01:00 mx1 postfix/qmgr[21496]: "
              "4Lyb5328XVzj9Jl: from=<alerts@corp.example>, size=19314, "
              "nrcpt=1 (queue active)",
      .kind = BS_EV_MESSAGE_SENDER, .queue_id = "4Lyb5328XVzj9Jl",
      .sender = "alerts@corp.example" },
    /* qmgr: expiry */
    { .line = PF("qmgr", "2211") "9D41C2B7E0: from=<billing@corp.example>, "
              "status=expired, returned to sender",
      .kind = BS_EV_MESSAGE_EXPIRED, .queue_id = "9D41C2B7E0",
      .sender = "billing@corp.example" },
    { .line = PF("qmgr", "2211") "585BC3F: from=<>, status=expired, "
              "returned to sender",
      .kind = BS_EV_MESSAGE_EXPIRED, .queue_id = "585BC3F",
      .sender_is_null = true },
    { .line = AT "postfix-out/qmgr[24086]: B54DA300087: "
              "from=<crm@shop.example>, status=force-expired, returned to "
              "sender",
      .kind = BS_EV_MESSAGE_EXPIRED, .queue_id = "B54DA300087",
      .sender = "crm@shop.example" },
    /* qmgr: the message leaves the queue */
    { .line = PF("qmgr", "2211") "3F2A81C0B7: removed",
      .kind = BS_EV_MESSAGE_DONE, .queue_id = "3F2A81C0B7" },
    /* postsuper: an administrator deleted it */
    { .line = PF("postsuper", "30112") "5E0C1A9F22: removed",
      .kind = BS_EV_MESSAGE_DELETED, .queue_id = "5E0C1A9F22" },
    /* bounce: notifications to the sender or the postmaster */
    { .line = PF("bounce", "9321") "6C0B2A7D11: sender non-delivery "
              "notification: 71F3E0C9A4",
      .kind = BS_EV_NOTIFICATION, .queue_id = "6C0B2A7D11" },
    { .line = PF("bounce", "9321") "264FE1A18: sender delay notification: "
              "0A87A1A08",
      .kind = BS_EV_NOTIFICATION, .queue_id = "264FE1A18" },
    { .line = PF("bounce", "9321") "65AFB8B5: sender delivery status "
              "notification: 1DF35917",
      .kind = BS_EV_NOTIFICATION, .queue_id = "65AFB8B5" },
    { .line = PF("bounce", "9321") "482E4404AC8: postmaster non-delivery "
              "notification: 47335405A44",
      .kind = BS_EV_NOTIFICATION, .queue_id = "482E4404AC8" },

    /* smtp: sent */
    { .line = PF("smtp", "4711") "3F2A81C0B7: to=<ann@mail.example.net>, "
              "relay=mx.mail.example.net[198.51.100.25]:25, delay=1.2, "
              "delays=0.1/0.01/0.6/0.5, dsn=2.0.0, status=sent (250 2.0.0 "
              "Ok: queued as 4XyZ1q2w3e)",
      .kind = BS_EV_DELIVERY, .status = BS_ST_SENT,
      .queue_id = "3F2A81C0B7", .recipient = "ann@mail.example.net",
      .relay_host = "mx.mail.example.net", .relay_ip = "198.51.100.25",
      .dsn = "2.0.0", .text = "250 2.0.0 Ok: queued as 4XyZ1q2w3e" },
    /* smtp: deferred, text with a nested "(in reply to ...)" */
    { .line = PF("smtp", "4711") "0C31D3D1E6: to=<bob@yahoo.com>, "
              "relay=mta5.am0.yahoodns.net[203.0.113.44]:25, delay=18910, "
              "delays=18900/8.9/0.69/0.03, dsn=4.7.0, status=deferred (host "
              "mta5.am0.yahoodns.net[203.0.113.44] said: 421 4.7.0 [TSS04] "
              "Messages from 192.0.2.10 temporarily deferred due to "
              "unexpected volume or user complaints - 4.16.55.1; see "
              "https://postmaster.yahooinc.com/error-codes (in reply to "
              "MAIL FROM command))",
      .kind = BS_EV_DELIVERY, .status = BS_ST_DEFERRED,
      .queue_id = "0C31D3D1E6", .recipient = "bob@yahoo.com",
      .relay_host = "mta5.am0.yahoodns.net", .relay_ip = "203.0.113.44",
      .dsn = "4.7.0",
      .text = "host mta5.am0.yahoodns.net[203.0.113.44] said: 421 4.7.0 "
              "[TSS04] Messages from 192.0.2.10 temporarily deferred due to "
              "unexpected volume or user complaints - 4.16.55.1; see "
              "https://postmaster.yahooinc.com/error-codes (in reply to "
              "MAIL FROM command)" },
    /* smtp: bounced, Gmail's multi-line 550-5.7.26 joined with spaces */
    { .line = PF("smtp", "4712") "A1C93E20F5: to=<carol@gmail.com>, "
              "relay=gmail-smtp-in.l.google.com[142.250.102.27]:25, "
              "delay=0.93, delays=0.12/0/0.31/0.5, dsn=5.7.26, "
              "status=bounced (host gmail-smtp-in.l.google.com"
              "[142.250.102.27] said: 550-5.7.26 Unauthenticated email from "
              "shop.example is not accepted due to 550-5.7.26 domain's DMARC "
              "policy. Please contact the administrator of 550-5.7.26 "
              "shop.example domain if this was a legitimate mail. To learn "
              "550-5.7.26 about the DMARC initiative, go to 550 5.7.26  "
              "https://support.google.com/mail/?p=DmarcRejection "
              "5b1f17b1804b1-4c1f2e3a9bcsi6671226f8f.42 - gsmtp (in reply to "
              "end of DATA command))",
      .kind = BS_EV_DELIVERY, .status = BS_ST_BOUNCED,
      .queue_id = "A1C93E20F5", .recipient = "carol@gmail.com",
      .relay_host = "gmail-smtp-in.l.google.com", .relay_ip = "142.250.102.27",
      .dsn = "5.7.26",
      .text = "host gmail-smtp-in.l.google.com[142.250.102.27] said: "
              "550-5.7.26 Unauthenticated email from shop.example is not "
              "accepted due to 550-5.7.26 domain's DMARC policy. Please "
              "contact the administrator of 550-5.7.26 shop.example domain "
              "if this was a legitimate mail. To learn 550-5.7.26 about the "
              "DMARC initiative, go to 550 5.7.26  "
              "https://support.google.com/mail/?p=DmarcRejection "
              "5b1f17b1804b1-4c1f2e3a9bcsi6671226f8f.42 - gsmtp (in reply to "
              "end of DATA command)" },
    /* smtp: '(' and ')' in the text before the end, orig_to= first */
    { .line = PF("amavis/smtp", "17709") "AB5501855DA0: to=<dan@example.org>, "
              "orig_to=<postmaster@example.org>, relay=127.0.0.1[127.0.0.1]"
              ":10024, delay=0.87, delays=0.68/0.01/0/0.18, dsn=2.0.0, "
              "status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 "
              "2.0.0 Ok: queued as 2F01D1855DB2)",
      .kind = BS_EV_DELIVERY, .status = BS_ST_SENT,
      .queue_id = "AB5501855DA0", .recipient = "dan@example.org",
      .relay_host = "127.0.0.1", .relay_ip = "127.0.0.1", .dsn = "2.0.0",
      .text = "250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: "
              "queued as 2F01D1855DB2" },
    /* smtp: chkuser's "(#5.1.1 - chkuser)" inside the reply */
    { .line = PF("smtp", "4713") "9DAC8B2D: to=<erin@corp.example>, "
              "relay=mx.corp.example[192.0.2.80]:25, delay=1.4, "
              "delays=0.04/0/0.27/1.1, dsn=5.0.0, status=bounced (host "
              "mx.corp.example[192.0.2.80] said: 511 sorry, no mailbox here "
              "by that name (#5.1.1 - chkuser) (in reply to RCPT TO "
              "command))",
      .kind = BS_EV_DELIVERY, .status = BS_ST_BOUNCED, .queue_id = "9DAC8B2D",
      .recipient = "erin@corp.example", .relay_host = "mx.corp.example",
      .relay_ip = "192.0.2.80", .dsn = "5.0.0",
      .text = "host mx.corp.example[192.0.2.80] said: 511 sorry, no mailbox "
              "here by that name (#5.1.1 - chkuser) (in reply to RCPT TO "
              "command)" },
    /* smtp: a text cut by syslog's size limit has no closing ')' */
    { .line = PF("smtp", "4714") "B7D20C91E4: to=<frank@outlook.com>, "
              "relay=outlook-com.olc.protection.outlook.com[52.101.8.44]:25, "
              "delay=2.1, delays=0.2/0/0.9/1, dsn=5.7.1, status=bounced (host "
              "outlook-com.olc.protection.outlook.com[52.101.8.44] said: "
              "550 5.7.1 Unfortunately, messages from [192.0.2.10] weren't "
              "sent. Please contact your Internet service provider since "
              "part of their netw",
      .kind = BS_EV_DELIVERY, .status = BS_ST_BOUNCED,
      .queue_id = "B7D20C91E4", .recipient = "frank@outlook.com",
      .relay_host = "outlook-com.olc.protection.outlook.com",
      .relay_ip = "52.101.8.44", .dsn = "5.7.1",
      .text = "host outlook-com.olc.protection.outlook.com[52.101.8.44] "
              "said: 550 5.7.1 Unfortunately, messages from [192.0.2.10] "
              "weren't sent. Please contact your Internet service provider "
              "since part of their netw" },
    /* smtp: relay=none, name service error (a '=' inside the text) */
    { .line = PF("smtp", "4715") "AE8E32C60819: to=<gina@e.example.net>, "
              "relay=none, delay=0.02, delays=0.01/0/0.01/0, dsn=5.4.4, "
              "status=bounced (Host or domain name not found. Name service "
              "error for name=e.example.net type=AAAA: Host not found)",
      .kind = BS_EV_DELIVERY, .status = BS_ST_BOUNCED,
      .queue_id = "AE8E32C60819", .recipient = "gina@e.example.net",
      .relay_host = "none", .dsn = "5.4.4",
      .text = "Host or domain name not found. Name service error for "
              "name=e.example.net type=AAAA: Host not found" },
    /* smtp: IPv6 relay */
    { .line = PF("smtp", "4716") "4E74613FE76: to=<hal@example.net>, "
              "relay=mx.example.net[2001:db8::1]:25, delay=1.9, "
              "delays=0.05/0/1.1/0.71, dsn=2.0.0, status=sent (250 2.0.0 OK "
              "1732727598 x9si123456)",
      .kind = BS_EV_DELIVERY, .status = BS_ST_SENT, .queue_id = "4E74613FE76",
      .recipient = "hal@example.net", .relay_host = "mx.example.net",
      .relay_ip = "2001:db8::1", .dsn = "2.0.0",
      .text = "250 2.0.0 OK 1732727598 x9si123456" },
    /* smtp: quoted local part with spaces, "refused to talk to me" */
    { .line = PF("smtp", "9635") "D298F2C60812: to=<\"user 1234 with space\""
              "@icloud.com>, relay=mx6.mail.icloud.com[17.57.154.6]:25, "
              "delay=428621, delays=428619/0.02/1.9/0, dsn=4.7.0, "
              "status=deferred (host mx6.mail.icloud.com[17.57.154.6] "
              "refused to talk to me: 550 5.7.0 Blocked - see "
              "https://ipcheck.proofpoint.com/?ip=192.0.2.10)",
      .kind = BS_EV_DELIVERY, .status = BS_ST_DEFERRED,
      .queue_id = "D298F2C60812",
      .recipient = "\"user 1234 with space\"@icloud.com",
      .relay_host = "mx6.mail.icloud.com", .relay_ip = "17.57.154.6",
      .dsn = "4.7.0",
      .text = "host mx6.mail.icloud.com[17.57.154.6] refused to talk to me: "
              "550 5.7.0 Blocked - see "
              "https://ipcheck.proofpoint.com/?ip=192.0.2.10" },
    /* smtp under a syslog_name with an IP, long queue id, port 587 */
    { .line = AT "postfix-10.20.30.40/smtp[45145]: 4Lyb5328XVzj9Jl: "
              "to=<ivy@example.com>, relay=email-smtp.us-east-1.amazonaws.com"
              "[198.51.100.77]:587, delay=2, delays=0.29/0/0.83/0.91, "
              "dsn=2.0.0, status=sent (250 Ok 0100018d3a5b-1c2d3e4f-000000)",
      .kind = BS_EV_DELIVERY, .status = BS_ST_SENT,
      .queue_id = "4Lyb5328XVzj9Jl", .recipient = "ivy@example.com",
      .relay_host = "email-smtp.us-east-1.amazonaws.com",
      .relay_ip = "198.51.100.77", .dsn = "2.0.0",
      .text = "250 Ok 0100018d3a5b-1c2d3e4f-000000" },
    /* short hex queue id with a 64-bit inode: 21 characters */
    { .line = PF("smtp", "4717") "ED06590130AA1C9D6D862: to=<jo@example.com>, "
              "relay=mx.example.com[192.0.2.44]:25, delay=0.5, "
              "delays=0.1/0/0.2/0.2, dsn=2.0.0, status=sent (250 ok)",
      .kind = BS_EV_DELIVERY, .status = BS_ST_SENT,
      .queue_id = "ED06590130AA1C9D6D862", .recipient = "jo@example.com",
      .relay_host = "mx.example.com", .relay_ip = "192.0.2.44",
      .dsn = "2.0.0", .text = "250 ok" },
    /* short hex queue id of 7 characters */
    { .line = PF("smtp", "4718") "153053D: to=<kim@example.com>, "
              "relay=mx.example.com[192.0.2.44]:25, delay=0.5, "
              "delays=0.1/0/0.2/0.2, dsn=2.0.0, status=sent (250 ok)",
      .kind = BS_EV_DELIVERY, .status = BS_ST_SENT, .queue_id = "153053D",
      .recipient = "kim@example.com", .relay_host = "mx.example.com",
      .relay_ip = "192.0.2.44", .dsn = "2.0.0", .text = "250 ok" },
    /* smtp: address verification probes */
    { .line = PF("smtp", "4719") "B54D220BFC: to=<lee@example.com>, "
              "relay=mx.example.com[192.0.2.44]:25, delay=0, dsn=5.0.0, "
              "status=undeliverable (host mx.example.com[192.0.2.44] refused "
              "to talk to me: 554 5.7.1 Connection not authorized)",
      .kind = BS_EV_DELIVERY, .status = BS_ST_PROBE, .queue_id = "B54D220BFC",
      .recipient = "lee@example.com", .relay_host = "mx.example.com",
      .relay_ip = "192.0.2.44", .dsn = "5.0.0",
      .text = "host mx.example.com[192.0.2.44] refused to talk to me: 554 "
              "5.7.1 Connection not authorized" },
    /* old Postfix: no dsn=, no delays= */
    { .line = PF("smtp", "4720") "76EB0D13: to=<max@corp.example>, "
              "relay=none, delay=1, status=bounced (mail for corp.example "
              "loops back to myself)",
      .kind = BS_EV_DELIVERY, .status = BS_ST_BOUNCED, .queue_id = "76EB0D13",
      .recipient = "max@corp.example", .relay_host = "none",
      .text = "mail for corp.example loops back to myself" },
    { .line = PF("smtp", "4721") "DD925BBE2: to=<ned@example.net>, "
              "orig_to=<ned-list@example.net>, relay=mail.example.net"
              "[2001:db8:beef::1], delay=2, status=sent (250 Ok: queued as "
              "5221227246)",
      .kind = BS_EV_DELIVERY, .status = BS_ST_SENT, .queue_id = "DD925BBE2",
      .recipient = "ned@example.net", .relay_host = "mail.example.net",
      .relay_ip = "2001:db8:beef::1",
      .text = "250 Ok: queued as 5221227246" },

    /* lmtp: unix-domain relays; the socket path stands in for the IP */
    { .line = PF("lmtp", "28699") "AED441541AFC: to=<olga@example.org>, "
              "relay=imap1.example.org[private/dovecot-lmtp], delay=0.21, "
              "delays=0.07/0.01/0.01/0.12, dsn=2.0.0, status=sent (250 2.0.0 "
              "<olga@example.org> wArTL0TxF2AccAAAYr7Zvw Saved)",
      .kind = BS_EV_DELIVERY, .status = BS_ST_SENT,
      .queue_id = "AED441541AFC", .recipient = "olga@example.org",
      .relay_host = "imap1.example.org", .relay_ip = "private/dovecot-lmtp",
      .dsn = "2.0.0",
      .text = "250 2.0.0 <olga@example.org> wArTL0TxF2AccAAAYr7Zvw Saved" },
    { .line = PF("lmtp", "11996") "400643011B47: to=<pat@example.org>, "
              "relay=mail.example.org[/var/run/dovecot/lmtp], delay=0.06, "
              "delays=0.02/0.02/0.01/0.01, dsn=4.2.2, status=deferred (host "
              "mail.example.org[/var/run/dovecot/lmtp] said: 452 4.2.2 "
              "<pat@example.org> Quota exceeded (mailbox for user is full) "
              "(in reply to end of DATA command))",
      .kind = BS_EV_DELIVERY, .status = BS_ST_DEFERRED,
      .queue_id = "400643011B47", .recipient = "pat@example.org",
      .relay_host = "mail.example.org",
      .relay_ip = "/var/run/dovecot/lmtp", .dsn = "4.2.2",
      .text = "host mail.example.org[/var/run/dovecot/lmtp] said: 452 4.2.2 "
              "<pat@example.org> Quota exceeded (mailbox for user is full) "
              "(in reply to end of DATA command)" },
    /* local: orig_to= an unqualified alias, relay=local */
    { .line = PF("local", "16460") "95154657C: to=<quinn@example.org>, "
              "orig_to=<root>, relay=local, delay=0.1, "
              "delays=0.09/0/0/0.01, dsn=2.0.0, status=sent (delivered to "
              "command: procmail -a \"$EXTENSION\" DEFAULT=$HOME/Maildir/)",
      .kind = BS_EV_DELIVERY, .status = BS_ST_SENT, .queue_id = "95154657C",
      .recipient = "quinn@example.org", .relay_host = "local",
      .dsn = "2.0.0",
      .text = "delivered to command: procmail -a \"$EXTENSION\" "
              "DEFAULT=$HOME/Maildir/" },
    /* local: old line, bounced */
    { .line = PF("local", "22003") "12C6413EC9: to=<ray@example.org>, "
              "relay=local, delay=0, status=bounced (unknown user: \"ray\")",
      .kind = BS_EV_DELIVERY, .status = BS_ST_BOUNCED,
      .queue_id = "12C6413EC9", .recipient = "ray@example.org",
      .relay_host = "local", .text = "unknown user: \"ray\"" },
    /* local: SOFTBOUNCE after "conn_use=2 delay=" (no comma) */
    { .line = PF("local", "22004") "D8962E54: to=<sam@example.org>, "
              "relay=local, conn_use=2 delay=0.21, delays=0.05/0.02/0/0.14, "
              "dsn=4.1.1, status=SOFTBOUNCE (unknown user: \"sam\")",
      .kind = BS_EV_DELIVERY, .status = BS_ST_DEFERRED,
      .queue_id = "D8962E54", .recipient = "sam@example.org",
      .relay_host = "local", .dsn = "4.1.1",
      .text = "unknown user: \"sam\"" },
    /* virtual */
    { .line = PF("virtual", "2438") "9BD26E0D25: to=<tina@example.com>, "
              "orig_to=<info@example.com>, relay=virtual, delay=1.3, "
              "delays=1.2/0.02/0/0.04, dsn=2.0.0, status=sent (delivered to "
              "maildir)",
      .kind = BS_EV_DELIVERY, .status = BS_ST_SENT, .queue_id = "9BD26E0D25",
      .recipient = "tina@example.com", .relay_host = "virtual",
      .dsn = "2.0.0", .text = "delivered to maildir" },
    { .line = PF("virtual", "2439") "ED862C2EA6: to=<uma@example.com>, "
              "relay=virtual, delay=0.09, delays=0.03/0/0/0.06, dsn=2.0.0, "
              "status=deliverable (delivers to maildir)",
      .kind = BS_EV_DELIVERY, .status = BS_ST_PROBE, .queue_id = "ED862C2EA6",
      .recipient = "uma@example.com", .relay_host = "virtual",
      .dsn = "2.0.0", .text = "delivers to maildir" },
    /* pipe */
    { .line = PF("pipe", "6221") "03EAC2E0EDD: to=<vic@example.com>, "
              "relay=dovecot, delay=5.5, delays=5.3/0.01/0/0.16, dsn=5.4.6, "
              "status=bounced (mail forwarding loop for vic@example.com)",
      .kind = BS_EV_DELIVERY, .status = BS_ST_BOUNCED,
      .queue_id = "03EAC2E0EDD", .recipient = "vic@example.com",
      .relay_host = "dovecot", .dsn = "5.4.6",
      .text = "mail forwarding loop for vic@example.com" },
    /* error */
    { .line = PF("error", "5120") "2DC5552A34: to=<walt@yahoo.com>, "
              "relay=none, delay=63495, delays=63350/144/0/0, dsn=4.4.2, "
              "status=deferred (delivery temporarily suspended: lost "
              "connection with mta7.am0.yahoodns.net[203.0.113.22] while "
              "sending RCPT TO)",
      .kind = BS_EV_DELIVERY, .status = BS_ST_DEFERRED,
      .queue_id = "2DC5552A34", .recipient = "walt@yahoo.com",
      .relay_host = "none", .dsn = "4.4.2",
      .text = "delivery temporarily suspended: lost connection with "
              "mta7.am0.yahoodns.net[203.0.113.22] while sending RCPT TO" },
    { .line = PF("error", "5121") "3E29030F8637E: to=<xena@example.com>, "
              "relay=none, delay=0.01, delays=0.01/0/0/0, dsn=5.1.1, "
              "status=undeliverable-but-not-cached (User unknown in virtual "
              "alias table)",
      .kind = BS_EV_DELIVERY, .status = BS_ST_PROBE,
      .queue_id = "3E29030F8637E", .recipient = "xena@example.com",
      .relay_host = "none", .dsn = "5.1.1",
      .text = "User unknown in virtual alias table" },
    /* discard */
    { .line = PF("discard", "7001") "25F2E5E061: to=<yan@test.example.com>, "
              "relay=none, delay=0.05, delays=0.05/0/0/0, dsn=2.0.0, "
              "status=sent (test.example.com)",
      .kind = BS_EV_DELIVERY, .status = BS_ST_SENT, .queue_id = "25F2E5E061",
      .recipient = "yan@test.example.com", .relay_host = "none",
      .dsn = "2.0.0", .text = "test.example.com" },
    /* retry */
    { .line = PF("retry", "7002") "C1D2E3F4A5: to=<zoe@example.net>, "
              "relay=none, delay=3605, delays=3600/5/0/0, dsn=4.4.1, "
              "status=deferred (delivery temporarily suspended: connect to "
              "mx.example.net[192.0.2.99]:25: Connection timed out)",
      .kind = BS_EV_DELIVERY, .status = BS_ST_DEFERRED,
      .queue_id = "C1D2E3F4A5", .recipient = "zoe@example.net",
      .relay_host = "none", .dsn = "4.4.1",
      .text = "delivery temporarily suspended: connect to "
              "mx.example.net[192.0.2.99]:25: Connection timed out" },
    /* qmgr defers a recipient itself (qmgr_defer_recipient) */
    { .line = PF("qmgr", "2211") "5F0E1D2C3B: to=<amy@example.net>, "
              "relay=none, delay=0.1, delays=0.1/0/0/0, dsn=4.3.0, "
              "status=deferred (mail transport unavailable)",
      .kind = BS_EV_DELIVERY, .status = BS_ST_DEFERRED,
      .queue_id = "5F0E1D2C3B", .recipient = "amy@example.net",
      .relay_host = "none", .dsn = "4.3.0",
      .text = "mail transport unavailable" },
    /* RFC 5424 transport, status word at the very end of the line */
    { .line = "<22>1 2026-11-27T18:13:18Z mx1 postfix/smtp 4722 - - "
              "6A7B8C9D0E: to=<bea@example.net>, relay=mx.example.net"
              "[192.0.2.7]:25, delay=1, delays=0.5/0/0.2/0.3, dsn=2.0.0, "
              "status=sent",
      .kind = BS_EV_DELIVERY, .status = BS_ST_SENT, .queue_id = "6A7B8C9D0E",
      .recipient = "bea@example.net", .relay_host = "mx.example.net",
      .relay_ip = "192.0.2.7", .dsn = "2.0.0" },
};

START_TEST(test_event_lines)
{
    const struct event_case *tc = &event_cases[_i];
    struct bs_syslog_record rec;
    struct bs_event ev;
    enum bs_parse_result res = parse_line(tc->line, &rec, &ev);
    ck_assert_msg(res == BS_PARSE_EVENT, "result %d for \"%s\"", (int)res,
                  tc->line);
    ck_assert_msg(ev.kind == tc->kind, "kind %d, want %d for \"%s\"",
                  (int)ev.kind, (int)tc->kind, tc->line);
    if (tc->kind == BS_EV_DELIVERY)
        ck_assert_msg(ev.status == tc->status,
                      "status %d, want %d for \"%s\"", (int)ev.status,
                      (int)tc->status, tc->line);
    ck_assert_int_eq(ev.time, rec.time);
    ck_assert_int_eq(ev.time, TEST_TIME);
    assert_slice(ev.queue_id, tc->queue_id, "queue_id", tc->line);
    assert_slice(ev.sender, tc->sender, "sender", tc->line);
    ck_assert_msg(ev.sender_is_null == tc->sender_is_null,
                  "sender_is_null %d for \"%s\"", ev.sender_is_null,
                  tc->line);
    assert_slice(ev.recipient, tc->recipient, "recipient", tc->line);
    assert_slice(ev.relay_host, tc->relay_host, "relay_host", tc->line);
    assert_slice(ev.relay_ip, tc->relay_ip, "relay_ip", tc->line);
    assert_slice(ev.dsn, tc->dsn, "dsn", tc->line);
    assert_slice(ev.text, tc->text, "text", tc->line);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Postfix lines without a delivery fact, and ones that do not parse   */

struct result_case {
    const char *line;
    enum bs_parse_result result;
};

static const struct result_case result_cases[] = {
    /* smtp: per-message notes that are not the delivery record */
    { PF("smtp", "7648") "732BB407C3: host mx.corp.example[192.0.2.80] said: "
      "451 DT:SPM 163 mx13,P8CowECpNVM_oEVaenoEAQ--.23796S3 1514512449, "
      "please try again 15min later (in reply to end of DATA command)",
      BS_PARSE_SKIPPED },
    { PF("smtp", "7649") "EB7D4341F0: lost connection with "
      "mx.corp.example[192.0.2.80] while sending MAIL FROM",
      BS_PARSE_SKIPPED },
    { PF("smtp", "7650") "C20574341F3: conversation with "
      "mx.corp.example[192.0.2.80] timed out while receiving the initial "
      "SMTP greeting",
      BS_PARSE_SKIPPED },
    { PF("smtp", "7651") "B0ADE20FC7: enabling PIX workarounds: disable_esmtp "
      "delay_dotcrlf for mx.corp.example[192.0.2.80]:25",
      BS_PARSE_SKIPPED },
    { PF("smtp", "7652") "connect to mx.corp.example[192.0.2.80]:25: "
      "Connection refused",
      BS_PARSE_SKIPPED },
    { PF("smtp", "7653") "Verified TLS connection established to "
      "gmail-smtp-in.l.google.com[142.250.102.27]:25: TLSv1.3 with cipher "
      "TLS_AES_256_GCM_SHA384 (256/256 bits)",
      BS_PARSE_SKIPPED },
    { PF("smtp", "7654") "warning: smtp_connect_addr: bind 192.0.2.10: "
      "Address already in use",
      BS_PARSE_SKIPPED },
    /* smtpd, cleanup, postscreen, anvil, pickup, master and friends */
    { PF("smtpd", "3946") "connect from unknown[192.0.2.97]",
      BS_PARSE_SKIPPED },
    { PF("smtpd", "3946") "477832E0134: client=mail.shop.example"
      "[192.0.2.97], sasl_method=PLAIN, sasl_username=news@shop.example",
      BS_PARSE_SKIPPED },
    { PF("smtpd", "3946") "NOQUEUE: reject: RCPT from unknown[192.0.2.97]: "
      "550 5.1.1 <nobody@example.org>: Recipient address rejected: User "
      "unknown in virtual mailbox table; from=<spam@bad.example> "
      "to=<nobody@example.org> proto=ESMTP helo=<bad.example>",
      BS_PARSE_SKIPPED },
    { AT "postfix/submission/smtpd[2634]: disconnect from "
      "client.example.org[192.0.2.5] ehlo=2 starttls=1 auth=1 mail=1 rcpt=1 "
      "data=1 quit=1 commands=8",
      BS_PARSE_SKIPPED },
    { PF("cleanup", "8966") "B37FD2E05B9: milter-reject: END-OF-MESSAGE from "
      "relay.bad.example[192.0.2.194]: 4.7.1 Try again later; "
      "from=<x@bad.example> to=<amy@example.org> proto=ESMTP "
      "helo=<relay.bad.example>",
      BS_PARSE_SKIPPED },
    { PF("postscreen", "610") "CONNECT from [198.51.100.7]:40716 to "
      "[203.0.113.5]:25",
      BS_PARSE_SKIPPED },
    { PF("postscreen", "610") "NOQUEUE: reject: RCPT from "
      "[198.51.100.7]:40716: 550 5.7.1 Service unavailable; client "
      "[198.51.100.7] blocked using zen.spamhaus.org; from=<a@bad.example> "
      "to=<amy@example.org> proto=ESMTP helo=<bad.example>",
      BS_PARSE_SKIPPED },
    { PF("anvil", "1188") "statistics: max connection rate 3/60s for "
      "(smtp:192.0.2.97) at Nov 27 18:10:01",
      BS_PARSE_SKIPPED },
    { PF("pickup", "28541") "08ACF1541B01: uid=42 from=<backup>",
      BS_PARSE_SKIPPED },
    { PF("qmgr", "2211") "ED06590130AA1C9D6D862: skipped, still being "
      "delivered",
      BS_PARSE_SKIPPED },
    { PF("qmgr", "2211") "warning: bounce_queue_lifetime is larger than "
      "maximal_queue_lifetime - adjusting bounce_queue_lifetime",
      BS_PARSE_SKIPPED },
    { PF("postsuper", "30112") "5E0C1A9F22: requeued", BS_PARSE_SKIPPED },
    { PF("postsuper", "30112") "Deleted: 115 messages", BS_PARSE_SKIPPED },
    { PF("master", "1021") "daemon started -- version 3.8.1, configuration "
      "/etc/postfix",
      BS_PARSE_SKIPPED },
    { AT "postfix/postfix-script[112854]: the Postfix mail system is running: "
      "PID: 95072",
      BS_PARSE_SKIPPED },
    { AT "postfix1[12345]: foo", BS_PARSE_SKIPPED },
    /* delivery-looking lines that do not parse */
    { PF("smtp", "4723") "5D6E7F8091: to=<amy@example.org>, "
      "relay=mx.example.org[192.0.2.33]:25, delay=1, delays=0.5/0/0.2/0.3, "
      "dsn=2.0.0",
      BS_PARSE_UNPARSED },
    { PF("smtp", "4724") "5D6E7F8092: to=<amy@example.org, "
      "relay=mx.example.org[192.0.2.33]:25, delay=1, dsn=5.1.1, "
      "status=bounced (unknown user)",
      BS_PARSE_UNPARSED },
    { PF("smtp", "4725") "5D6E7F8093: to=<amy@example.org>, "
      "relay=mx.example.org[192.0.2.33]:25, delay=1, dsn=2.0.0, "
      "status=delivered (250 ok)",
      BS_PARSE_UNPARSED },
    { PF("smtp", "4726") "5D6E7F8094: amy@example.org, "
      "relay=mx.example.org[192.0.2.33]:25, delay=2, delays=2/0/0/0, "
      "dsn=4.2.2, status=deferred (452 4.2.2 mailbox full)",
      BS_PARSE_UNPARSED },
    { PF("qmgr", "2211") "5D6E7F8095: from=<amy@example.org",
      BS_PARSE_UNPARSED },
    /* another daemon's queue-id line with "status=" and "to=<" or
     * "relay=" anywhere in it */
    { PF("smtpd", "3946") "5D6E7F8097: client=x, status=sent, to=<a@b>",
      BS_PARSE_UNPARSED },
    { PF("smtpd", "3946") "5D6E7F8098: status=x relay=y", BS_PARSE_UNPARSED },
    { PF("pickup", "3946") "5D6E7F8099: xstatus=1 orig_to=<a>",
      BS_PARSE_UNPARSED },
    { PF("cleanup", "3946") "5D6E7F809A: relay=, status=", BS_PARSE_UNPARSED },
    { PF("smtpd", "3946") "5D6E7F809B: status=1 to=", BS_PARSE_SKIPPED },
    { PF("smtpd", "3946") "5D6E7F809C: status relay=1 to=<a>",
      BS_PARSE_SKIPPED },
    { PF("smtpd", "3946") "5D6E7F809D: tatus=1 to=<a>", BS_PARSE_SKIPPED },
    { PF("smtpd", "3946") "5D6E7F809E: =status=1 elay=<a> o=<",
      BS_PARSE_SKIPPED },
    { PF("qmgr", "2211") "5D6E7F8096: from=<amy@example.org>, queued",
      BS_PARSE_UNPARSED },
};

START_TEST(test_result_lines)
{
    const struct result_case *tc = &result_cases[_i];
    struct bs_syslog_record rec;
    struct bs_event ev;
    enum bs_parse_result res = parse_line(tc->line, &rec, &ev);
    ck_assert_msg(res == tc->result, "result %d, want %d for \"%s\"",
                  (int)res, (int)tc->result, tc->line);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Which programs are Postfix                                          */

struct program_case {
    const char *program;
    bool postfix;
};

static const struct program_case program_cases[] = {
    { "postfix/smtp", true },
    { "postfix-out/smtp", true },
    { "postfix-10.20.30.40/smtp", true },
    { "postfix/submission/smtpd", true },
    { "postfix-smo/submission/smtpd", true },
    { "postfix/amavis/smtp", true },
    { "postfix/qmgr", true },
    { "postfix/postsuper", true },
    { "/postfix-script", true },
    { "postfix", true },
    { "postfix1", true },
    { "dovecot", false },
    { "amavis", false },
    { "opendkim", false },
    { "qmail", false },
    { "sendmail", false },
    { "lightmeter/headers", false },
    { "postfix/unknown", false },
    { "postfix-10.20.30.40/something", false },
    { "process/daemon/with/slash", false },
    { "", false },
};

START_TEST(test_program_claims)
{
    const struct program_case *tc = &program_cases[_i];
    struct bs_slice p = bs_slice_make(tc->program, strlen(tc->program));
    const struct bs_parser_ops *ops = bs_parser_for_program(p);
    if (tc->postfix)
        ck_assert_msg(ops == &bs_postfix_parser, "\"%s\" not claimed",
                      tc->program);
    else
        ck_assert_msg(ops != &bs_postfix_parser, "\"%s\" claimed by %s",
                      tc->program, ops ? ops->name : "");
}
END_TEST

/* The per-engine cache of program -> parser answers as the lookup does,
 * for names that share slots (same length and ending), names too long to
 * be kept, the empty name, and after many names have pushed others out. */
START_TEST(test_program_cache)
{
    static const char *const names[] = {
        "postfix/qmgr", "postfix/smtp", "postfix/lmtp", "postfix/virtual",
        "postfix-a/smtp", "postfix-b/smtp", "postfix-c/smtp", "opendkim",
        "postfix/error", "postfix/postsuper", "qmail", "qmail-send", "p",
        "dovecot", "", "postfix/a-very-long-name-of-forty-bytes-or-more",
        "postfix/submission/smtpd", "postfix-out/submission/smtpd",
        "postfix/cleanup", "qmail-x/cleanup", /* one slot, two parsers */
    };
    struct bs_parser_cache *c = calloc(1, sizeof *c);
    ck_assert_ptr_nonnull(c);
    char extra[32];
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < BS_ARRAY_LEN(names); i++) {
            struct bs_slice p = bs_slice_make(names[i], strlen(names[i]));
            for (int again = 0; again < 2; again++)
                ck_assert_msg(bs_parser_for_program_cached(c, p) ==
                                  bs_parser_for_program(p),
                              "\"%s\"", names[i]);
        }
        for (int k = 0; k < 300; k++) { /* more names than slots */
            int n = snprintf(extra, sizeof extra, "postfix-%d/%s", k,
                             k % 2 ? "smtp" : "nosuch");
            struct bs_slice p = bs_slice_make(extra, (size_t)n);
            ck_assert(bs_parser_for_program_cached(c, p) ==
                      bs_parser_for_program(p));
        }
    }
    free(c);
}
END_TEST

/* A foreign line goes nowhere: its program is claimed by no parser. */
START_TEST(test_foreign_line)
{
    static const char line[] = AT "dovecot: lmtp(amy@example.org)<4411>"
                               "<x1y2z3>: msgid=<a@b>: saved mail to INBOX";
    struct bs_syslog_year y;
    struct bs_syslog_record rec;
    bs_syslog_year_init(&y, TEST_YEAR, 0);
    ck_assert_int_eq(bs_syslog_parse(&y, line, strlen(line), &rec),
                     BS_SYSLOG_OK);
    ck_assert_ptr_null(bs_parser_for_program(rec.program));
}
END_TEST

/* The parser reads only the message's length: every prefix of a delivery
 * record, and of another daemon's line that looks like one, parses
 * without reading past it (checked under ASan), gives the same result
 * whatever byte follows the cut, and is never an event that claims a
 * text beyond the cut. */
static const char *const truncated_lines[] = {
    PF("smtp", "4711") "3F2A81C0B7: to=<ann@mail.example.net>, "
    "orig_to=<a@b.example>, relay=mx.mail.example.net[198.51.100.25]:25, "
    "delay=1.2, delays=0.1/0.01/0.6/0.5, dsn=2.0.0, status=sent (250 2.0.0 "
    "Ok)",
    PF("smtpd", "3946") "5D6E7F8097: client=x, status=sent, to=<a@b>",
};

START_TEST(test_truncated_prefixes)
{
    const char *line = truncated_lines[_i];
    struct bs_syslog_year y;
    struct bs_syslog_record rec;
    struct bs_event ev;
    bs_syslog_year_init(&y, TEST_YEAR, 0);
    ck_assert_int_eq(bs_syslog_parse(&y, line, strlen(line), &rec),
                     BS_SYSLOG_OK);
    const char *msg = rec.message.ptr;
    size_t len = rec.message.len;
    for (size_t n = 0; n <= len; n++) {
        char *copy = bs_xstrndup(msg, n); /* exact-size heap copy */
        rec.message = bs_slice_make(copy, n);
        enum bs_parse_result res = bs_postfix_parser.parse(&rec, &ev);
        if (res == BS_PARSE_EVENT)
            ck_assert(ev.text.ptr + ev.text.len <= copy + n);
        free(copy);
        copy = bs_xstrndup(msg, n < len ? n + 1 : n); /* the next byte */
        rec.message = bs_slice_make(copy, n);
        ck_assert_int_eq(bs_postfix_parser.parse(&rec, &ev), res);
        free(copy);
    }
}
END_TEST

/* ------------------------------------------------------------------ */
/* The usual delivery shape against the key walk                       */

static const char *pick(uint64_t *seed, const char *const *from, size_t n)
{
    return from[bs_test_random(seed) % n];
}
#define PICK(seed, arr) pick((seed), (arr), BS_ARRAY_LEN(arr))

/* The fields of a random delivery record, mostly in Postfix's order,
 * sometimes with a field missing, an unknown key or two keys swapped. */
static size_t random_fields(uint64_t *seed, const char **f, char *store)
{
    static const char *const rcpt[] = {
        "to=<a@b.example>", "to=<\"x>y\"@b.example>", "to=<>",
        "to=<a b@c>", "to=x@b.example", "to=<a>b>",
    };
    /* (an address without its '>' would take the separators after it
     * in: the two joins would differ by what they are made to differ) */
    static const char *const orig[] = { "orig_to=<o@p.example>",
                                        "orig_to=o" };
    static const char *const relay[] = {
        "relay=mx.b.example[192.0.2.7]:25", "relay=none", "relay=local",
        "relay=h[private/dovecot-lmtp]", "relay=[2001:db8::1]:25",
        "relay=x[y", "relay=", "relay=a]b[c",
    };
    static const char *const other[] = {
        "conn_use=3", "delay=0.5", "delays=0.1/0/0.2/0.2", "dsn=5.1.1",
        "dsn=", "x=y", "=v", "delay", "delays=", "status=", "dsn=2.0.0",
    };
    static const char *const status[] = {
        "status=sent", "status=bounced", "status=deferred",
        "status=SOFTBOUNCE", "status=deliverable", "status=undeliverable",
        "status=undeliverable-but-not-cached", "status=bogus", "status=",
    };
    static const char *const tail[] = {
        " (250 2.0.0 Ok: queued as 4BC1)", " (host said: 550 5.1.1 (no))",
        "", " (", " (cut", " (a) ", "x (y)",
    };
    uint64_t x = bs_test_random(seed);
    size_t n = 0;
    f[n++] = PICK(seed, rcpt);
    if (x & 1)
        f[n++] = PICK(seed, orig);
    f[n++] = PICK(seed, relay);
    if (x & 2)
        f[n++] = "conn_use=2";
    f[n++] = "delay=1.2";
    f[n++] = "delays=0.1/0/0.6/0.5";
    f[n++] = x & 4 ? PICK(seed, other) : "dsn=4.2.2";
    if (x & 8)
        f[n++] = PICK(seed, other);
    snprintf(store, 64, "%s%s", PICK(seed, status), PICK(seed, tail));
    f[n++] = store;
    if ((x >> 4) % 4 == 0) { /* two fields swapped (status= stays last:
                                 * the text after it runs to the end) */
        size_t i = (size_t)(x >> 6) % (n - 1),
               j = (size_t)(x >> 12) % (n - 1);
        const char *t = f[i];
        f[i] = f[j];
        f[j] = t;
    }
    if ((x >> 18) % 8 == 0) /* cut short */
        n -= (size_t)(x >> 21) % n;
    return n;
}

static void join_fields(char *out, size_t cap, const char **f, size_t n,
                        const char *sep)
{
    size_t at = (size_t)snprintf(out, cap, "4BC1D2E3F4: ");
    for (size_t i = 0; i < n; i++)
        at += (size_t)snprintf(out + at, cap - at, "%s%s", i ? sep : "",
                               f[i]);
}

static bool slice_same(struct bs_slice a, struct bs_slice b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* Joined by ", " a record can take the parser's path for the usual shape;
 * joined by ",  " or " , " (separators the walk skips alike) it cannot.
 * Both must give the same result and, for an event, the same fields. */
START_TEST(test_usual_shape_as_walk)
{
    static const char *const seps[] = { ",  ", " , ", ",,", ", , " };
    uint64_t seed = 0x2545f4914f6cdd1dull;
    struct bs_syslog_record rec = { .time = TEST_TIME };
    rec.program = bs_slice_make("postfix/smtp", 12);
    unsigned events = 0;
    for (int iter = 0; iter < 100000; iter++) {
        const char *f[12];
        char last[64], usual[512], odd[512];
        size_t n = random_fields(&seed, f, last);
        join_fields(usual, sizeof usual, f, n, ", ");
        join_fields(odd, sizeof odd, f, n, PICK(&seed, seps));
        struct bs_event a, b;
        rec.message = bs_slice_make(usual, strlen(usual));
        enum bs_parse_result ra = bs_postfix_parser.parse(&rec, &a);
        rec.message = bs_slice_make(odd, strlen(odd));
        enum bs_parse_result rb = bs_postfix_parser.parse(&rec, &b);
        ck_assert_msg(ra == rb, "result %d, want %d for \"%s\"", (int)ra,
                      (int)rb, usual);
        if (ra != BS_PARSE_EVENT)
            continue;
        events++;
        ck_assert_msg(a.kind == b.kind && a.status == b.status &&
                          slice_same(a.recipient, b.recipient) &&
                          slice_same(a.relay_host, b.relay_host) &&
                          slice_same(a.relay_ip, b.relay_ip) &&
                          slice_same(a.dsn, b.dsn) &&
                          slice_same(a.text, b.text) &&
                          slice_same(a.queue_id, b.queue_id),
                      "fields differ for \"%s\" and \"%s\"", usual, odd);
    }
    ck_assert_uint_gt(events, 20000); /* the generator makes events */
}
END_TEST

static Suite *postfix_suite(void)
{
    Suite *s = suite_create("postfix");
    TCase *tc = tcase_create("events");
    tcase_add_loop_test(tc, test_event_lines, 0,
                        (int)BS_ARRAY_LEN(event_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("results");
    tcase_add_loop_test(tc, test_result_lines, 0,
                        (int)BS_ARRAY_LEN(result_cases));
    tcase_add_loop_test(tc, test_truncated_prefixes, 0,
                        (int)BS_ARRAY_LEN(truncated_lines));
    tcase_add_test(tc, test_usual_shape_as_walk);
    suite_add_tcase(s, tc);

    tc = tcase_create("programs");
    tcase_add_loop_test(tc, test_program_claims, 0,
                        (int)BS_ARRAY_LEN(program_cases));
    tcase_add_test(tc, test_program_cache);
    tcase_add_test(tc, test_foreign_line);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(postfix_suite());
}
