#include "sandbox/SandboxFault.h"

#include <QRegularExpression>
#include <QStringList>
#include <QUrl>

namespace zenml::sandbox {

namespace {

constexpr qint64 kMaxHugeBytes = 4LL * 1024 * 1024 * 1024;
constexpr int kMaxDelayMs = 10 * 60 * 1000;

std::optional<qint64> readNumber(const QString& text, qint64 minimum, qint64 maximum)
{
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || value < minimum || value > maximum)
        return std::nullopt;
    return value;
}

// "1000", "512K", "50M": bytes, KiB, MiB.
std::optional<qint64> readSize(QString text)
{
    qint64 unit = 1;
    if (text.endsWith(u'K', Qt::CaseInsensitive))
        unit = 1024;
    else if (text.endsWith(u'M', Qt::CaseInsensitive))
        unit = 1024 * 1024;
    if (unit != 1)
        text.chop(1);
    const auto value = readNumber(text, 1, kMaxHugeBytes / unit);
    if (!value)
        return std::nullopt;
    return *value * unit;
}

// nginx's own words on its error pages, which differ from the standard phrases here and there.
QByteArray nginxTitle(int status)
{
    switch (status) {
    case 413:
        return QByteArrayLiteral("Request Entity Too Large");
    case 503:
        return QByteArrayLiteral("Service Temporarily Unavailable");
    case 504:
        return QByteArrayLiteral("Gateway Time-out");
    default:
        return statusReason(status);
    }
}

} // namespace

QByteArray statusReason(int status)
{
    switch (status) {
    case 200:
        return QByteArrayLiteral("OK");
    case 201:
        return QByteArrayLiteral("Created");
    case 204:
        return QByteArrayLiteral("No Content");
    case 301:
        return QByteArrayLiteral("Moved Permanently");
    case 302:
        return QByteArrayLiteral("Found");
    case 303:
        return QByteArrayLiteral("See Other");
    case 307:
        return QByteArrayLiteral("Temporary Redirect");
    case 308:
        return QByteArrayLiteral("Permanent Redirect");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 401:
        return QByteArrayLiteral("Unauthorized");
    case 403:
        return QByteArrayLiteral("Forbidden");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 409:
        return QByteArrayLiteral("Conflict");
    case 413:
        return QByteArrayLiteral("Content Too Large");
    case 422:
        return QByteArrayLiteral("Unprocessable Content");
    case 429:
        return QByteArrayLiteral("Too Many Requests");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 502:
        return QByteArrayLiteral("Bad Gateway");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    case 504:
        return QByteArrayLiteral("Gateway Timeout");
    default:
        return QByteArrayLiteral("Unknown");
    }
}

QByteArray nginxErrorPage(int status)
{
    const QByteArray title = QByteArray::number(status) + ' ' + nginxTitle(status);
    QByteArray page = "<html>\r\n<head><title>" + title
        + "</title></head>\r\n<body>\r\n<center><h1>" + title
        + "</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n";
    // nginx pads short pages so that browsers show them instead of their own.
    for (int i = 0; i < 6; ++i)
        page += "<!-- a padding to disable MSIE and Chrome friendly error page -->\r\n";
    return page;
}

QString faultSyntaxHelp()
{
    return QStringLiteral(
        "Faults (--fault, repeatable; applied in the order given):\n"
        "  --fault '[METHOD] PATH: OPTION,OPTION,...'\n"
        "  METHOD is GET, POST, PATCH, DELETE, ... or * (any; the default). PATH is below\n"
        "  /api/v1 (\"/users\", \"/users/*\" for a prefix, * for any); a leading /api/v1 is\n"
        "  ignored. Matching requests get the fault; the others are served normally.\n"
        "  Options:\n"
        "    times=N|always    how many matching requests get it (default 1)\n"
        "    skip=N            let the first N matching requests through\n"
        "    delay=MS          answer this many milliseconds late\n"
        "    status=CODE       answer with this status instead; the request is not handled\n"
        "    type=MIME         content type of that answer (default application/json)\n"
        "    header=NAME:VALUE add a header (repeatable)\n"
        "    retry-after=S     a Retry-After header (and status 429 when none is given)\n"
        "    nginx             the body is nginx's HTML error page for the status\n"
        "    body=TEXT         the body; must come last, it takes the rest, commas included\n"
        "                      (default for JSON: {\"detail\": \"<reason> (sandbox fault)\"})\n"
        "    drop=start|headers|mid-body  close the connection before the answer, after\n"
        "                      the headers, or halfway through the body (without status=\n"
        "                      the request is handled first: a POST creates its user)\n"
        "    truncate=N|half   cut the body to N bytes, or half, as a complete answer\n"
        "    huge=SIZE         the body is a JSON array of users SIZE long (bytes, or with\n"
        "                      K or M: huge=50M), streamed; no-length: without Content-Length\n"
        "    trickle=MS        send the body in eight pieces, MS milliseconds apart\n"
        "    bad-utf8=FIELD    put invalid UTF-8 into every string value of FIELD\n"
        "    redirect[=ORIGIN] 307 (or status=) to the same path and query on ORIGIN\n"
        "                      (http://host:port), or on the sandbox itself without one\n"
        "  Examples:\n"
        "    --fault 'GET /users: delay=2000'\n"
        "    --fault 'GET /users: status=502,nginx,times=always'\n"
        "    --fault 'POST /users: status=413,nginx'\n"
        "    --fault 'GET /users: status=429,retry-after=2'\n"
        "    --fault 'POST /users: drop=start'      (created, but the answer is lost)\n"
        "    --fault 'GET /users: skip=1,drop=mid-body'\n"
        "    --fault '* /users/*: status=500,type=text/plain,body=Internal error, sorry'\n"
        "\n"
        "Run-time control, from loopback clients only (outside /api/v1):\n"
        "  GET    /_sandbox/faults   the faults still active\n"
        "  POST   /_sandbox/faults   add: {\"fault\": \"GET /users: delay=2000\"} or\n"
        "                            {\"faults\": [\"...\", \"...\"]}\n"
        "  DELETE /_sandbox/faults   remove them all\n");
}

std::optional<SandboxFault> parseFault(const QString& text, QString* error)
{
    auto fail = [&](const QString& why) -> std::optional<SandboxFault> {
        if (error)
            *error = QStringLiteral("fault '%1': %2").arg(text, why);
        return std::nullopt;
    };

    SandboxFault fault;
    fault.spec = text.trimmed();
    const qsizetype colon = fault.spec.indexOf(u':');
    if (colon < 0)
        return fail(QStringLiteral("expected '[METHOD] PATH: OPTION,...'"));

    // The request it applies to.
    static const QRegularExpression spaces(QStringLiteral("\\s+"));
    const QStringList head = fault.spec.left(colon).trimmed().split(spaces, Qt::SkipEmptyParts);
    if (head.isEmpty() || head.size() > 2)
        return fail(QStringLiteral("expected '[METHOD] PATH' before the colon"));
    QString path = head.constLast();
    if (head.size() == 2 && head.constFirst() != u"*") {
        for (const QChar c : head.constFirst()) {
            if (!c.isLetter())
                return fail(QStringLiteral("'%1' is not an HTTP method").arg(head.constFirst()));
        }
        fault.method = head.constFirst().toUpper().toLatin1();
    }
    if (path != u"*") {
        if (!path.startsWith(u'/'))
            return fail(QStringLiteral("the path must start with / (or be *)"));
        if (path.startsWith(u"/api/v1/") || path == u"/api/v1")
            path = path.mid(7);
        fault.path = path;
    }

    // The options; body= takes the rest of the text.
    QString rest = fault.spec.mid(colon + 1).trimmed();
    bool nginx = false;
    bool hasBody = false;
    bool hasOption = false;
    while (!rest.isEmpty()) {
        QString option;
        if (rest.startsWith(u"body=")) {
            option = rest;
            rest.clear();
        } else {
            const qsizetype comma = rest.indexOf(u',');
            option = (comma < 0 ? rest : rest.left(comma)).trimmed();
            rest = comma < 0 ? QString() : rest.mid(comma + 1).trimmed();
        }
        if (option.isEmpty())
            continue;
        hasOption = true;
        const qsizetype equals = option.indexOf(u'=');
        const QString key = (equals < 0 ? option : option.left(equals)).trimmed();
        const QString value = equals < 0 ? QString() : option.mid(equals + 1);
        const QString trimmed = value.trimmed();
        const auto bad = [&] {
            return fail(QStringLiteral("'%1' is not a valid value for %2").arg(value, key));
        };

        if (key == u"times") {
            if (trimmed == u"always") {
                fault.times = -1;
            } else if (const auto n = readNumber(trimmed, 1, 1'000'000)) {
                fault.times = int(*n);
            } else {
                return bad();
            }
        } else if (key == u"skip") {
            const auto n = readNumber(trimmed, 0, 1'000'000);
            if (!n)
                return bad();
            fault.skip = int(*n);
        } else if (key == u"delay") {
            const auto n = readNumber(trimmed, 0, kMaxDelayMs);
            if (!n)
                return bad();
            fault.delayMs = int(*n);
        } else if (key == u"status") {
            const auto n = readNumber(trimmed, 100, 599);
            if (!n)
                return bad();
            fault.status = int(*n);
        } else if (key == u"type") {
            if (trimmed.isEmpty())
                return bad();
            fault.contentType = trimmed.toLatin1();
        } else if (key == u"header") {
            const qsizetype separator = value.indexOf(u':');
            if (separator <= 0)
                return bad();
            fault.headers.append({ value.left(separator).trimmed().toLatin1(),
                value.mid(separator + 1).trimmed().toUtf8() });
        } else if (key == u"retry-after") {
            if (trimmed.isEmpty())
                return bad();
            fault.headers.append({ QByteArrayLiteral("Retry-After"), trimmed.toLatin1() });
            if (fault.status == 0)
                fault.status = 429;
        } else if (key == u"nginx") {
            nginx = true;
        } else if (key == u"body") {
            fault.body = value.toUtf8();
            hasBody = true;
        } else if (key == u"drop") {
            if (trimmed == u"start")
                fault.drop = SandboxFault::Drop::BeforeStatus;
            else if (trimmed == u"headers")
                fault.drop = SandboxFault::Drop::BeforeBody;
            else if (trimmed == u"mid-body")
                fault.drop = SandboxFault::Drop::MidBody;
            else
                return bad();
        } else if (key == u"truncate") {
            if (trimmed == u"half") {
                fault.truncateHalf = true;
            } else if (const auto n = readNumber(trimmed, 0, kMaxHugeBytes)) {
                fault.truncateTo = *n;
            } else {
                return bad();
            }
        } else if (key == u"huge") {
            const auto size = readSize(trimmed);
            if (!size)
                return bad();
            fault.hugeBytes = *size;
        } else if (key == u"no-length") {
            fault.announceLength = false;
        } else if (key == u"trickle") {
            const auto n = readNumber(trimmed, 1, 60'000);
            if (!n)
                return bad();
            fault.trickleMs = int(*n);
        } else if (key == u"bad-utf8") {
            if (trimmed.isEmpty())
                return bad();
            fault.badUtf8Field = trimmed.toUtf8();
        } else if (key == u"redirect") {
            if (!trimmed.isEmpty()) {
                const QUrl origin(trimmed, QUrl::StrictMode);
                if (!origin.isValid() || origin.host().isEmpty()
                    || (origin.scheme() != u"http" && origin.scheme() != u"https")
                    || !(origin.path().isEmpty() || origin.path() == u"/") || origin.hasQuery())
                    return fail(QStringLiteral("redirect= takes an origin such as "
                                               "http://127.0.0.1:8081, not '%1'")
                                    .arg(trimmed));
            }
            QString origin = trimmed;
            while (origin.endsWith(u'/'))
                origin.chop(1);
            fault.redirectOrigin = origin;
        } else {
            return fail(QStringLiteral("unknown option '%1'").arg(key));
        }
    }
    if (!hasOption)
        return fail(QStringLiteral("no option given: say what goes wrong"));

    if (fault.redirectOrigin && fault.status == 0)
        fault.status = 307;
    if (fault.redirectOrigin && (fault.status < 300 || fault.status > 399))
        return fail(QStringLiteral("a redirect needs a 3xx status"));
    if (nginx) {
        if (fault.status == 0)
            return fail(QStringLiteral("nginx needs a status= (such as status=502)"));
        if (hasBody)
            return fail(QStringLiteral("nginx and body= cannot both give the body"));
        fault.contentType = QByteArrayLiteral("text/html");
        fault.body = nginxErrorPage(fault.status);
    } else if (fault.status != 0 && !hasBody && !fault.redirectOrigin
        && fault.contentType == "application/json") {
        fault.body = "{\"detail\":\"" + statusReason(fault.status) + " (sandbox fault)\"}";
    }
    if (!fault.announceLength && fault.hugeBytes == 0)
        return fail(QStringLiteral("no-length goes with huge="));
    return fault;
}

} // namespace zenml::sandbox
