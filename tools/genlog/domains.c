/*
 * domains.c - the domain table and the vocabularies of mailbox names
 *
 * A Japanese hosting company's view of the world: the big free-mail and
 * mobile carriers its customers write to, customer domains at Google
 * Workspace and Microsoft 365, smaller providers at home and abroad,
 * typos that do not resolve, servers that never answer, and the
 * customers hosted here. Weights are relative volumes, not shares.
 */
#include "domains.h"

#include "replies.h"

const char *const provider_name[PROV_COUNT] = {
    "apple", "docomo", "google", "kddi", "microsoft",
    "other", "softbank", "yahoo", "yahoo_japan",
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
#define OLC(x)  {x ".olc.protection.outlook.com"}
#define M365(x) {x ".mail.protection.outlook.com"}
#define NO_MX   {NULL}

const struct domain domains[] = {
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

const unsigned domain_count = LEN(domains);

_Static_assert(LEN(domains) <= DOMAIN_MAX, "domain table too large");
_Static_assert(LEN(domains) < 255, "domain index must fit uint8_t");
_Static_assert(DOMAIN_MAX <= RNG_WEIGHTS_MAX, "domain pickers too small");

static const char *const given[] = {
    "taro", "hanako", "yuki", "kenji", "akiko", "hiroshi", "naoko",
    "takashi", "yumi", "daisuke", "mika", "sho", "aya", "ryo", "emi",
    "haruto", "sakura", "john", "mary", "david", "sarah", "wei", "minji",
};
static const char *const family[] = {
    "tanaka", "suzuki", "sato", "takahashi", "watanabe", "ito",
    "yamamoto", "nakamura", "kobayashi", "kato", "yoshida", "yamada",
    "sasaki", "matsumoto", "inoue", "kimura", "smith", "brown", "kim",
    "chen",
};
static const char *const role[] = {
    "info", "news", "noreply", "no-reply", "support", "shop", "order",
    "contact", "mailmagazine", "newsletter", "billing", "sales", "reserve",
};
static const char *const alias[] = {
    "info", "contact", "sales", "support", "webmaster", "recruit",
};

#define NAME_LIST(a)    {a, (uint32_t)LEN(a)}

const struct name_list given_names = NAME_LIST(given);
const struct name_list family_names = NAME_LIST(family);
const struct name_list role_names = NAME_LIST(role);
const struct name_list alias_names = NAME_LIST(alias);

struct hop domain_hop(struct rng *rng, const struct domain *d, unsigned mx)
{
    struct hop h = {d->mx[0] ? d->mx[0] : d->name, d->ip};
    unsigned n = 0;

    while (n < LEN(d->mx) && d->mx[n])
        n++;
    if (mx < n)
        h.name = d->mx[mx];
    h.ip += rng_below(rng, d->ip_span);
    if ((h.ip & 255) == 0 || (h.ip & 255) == 255)
        h.ip ^= 26;
    return h;
}
