// The sandbox's fault injection: the --fault syntax, what each fault puts on the wire (read
// byte by byte from a raw socket), and the loopback-only control endpoint, in-process and in
// the zenml-pro-sandbox process.

#include "sandbox/SandboxCommandLine.h"
#include "sandbox/SandboxServer.h"
#include "support/SandboxFixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkInterface>
#include <QTcpSocket>
#include <QTest>

using namespace zenml::sandbox;

namespace {

struct RawAnswer
{
    QByteArray head; // status line and headers
    QByteArray body;
    bool closed = false; // the server closed the connection

    int status() const { return head.mid(9, 3).toInt(); }
    QByteArray header(const QByteArray& name) const
    {
        for (const QByteArray& line : head.split('\n')) {
            if (line.toLower().startsWith(QByteArray(name.toLower() + ':')))
                return line.mid(name.size() + 1).trimmed();
        }
        return {};
    }
};

// Sends one HTTP/1.1 request and reads until the answer is complete or the server closes. The
// event loop runs meanwhile: the server may live in this very thread.
RawAnswer rawRequest(const QHostAddress& host, quint16 port, const QByteArray& method,
    const QByteArray& target, const QByteArray& token = {}, const QByteArray& body = {})
{
    QByteArray request = method + ' ' + target + " HTTP/1.1\r\nHost: sandbox\r\n";
    if (!token.isEmpty())
        request += "Authorization: Bearer " + token + "\r\n";
    request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;

    QTcpSocket socket;
    QByteArray data;
    bool closed = false;
    QObject::connect(&socket, &QTcpSocket::connected, [&] { socket.write(request); });
    QObject::connect(&socket, &QTcpSocket::readyRead, [&] { data += socket.readAll(); });
    QObject::connect(&socket, &QTcpSocket::disconnected, [&] { closed = true; });
    QObject::connect(&socket, &QTcpSocket::errorOccurred, [&] { closed = true; });
    socket.connectToHost(host, port);

    RawAnswer answer;
    const auto complete = [&] {
        const qsizetype headEnd = data.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return false;
        answer.head = data.left(headEnd);
        const QByteArray length = answer.header("Content-Length");
        return !length.isEmpty() && data.size() - headEnd - 4 >= length.toLongLong();
    };
    (void)QTest::qWaitFor([&] { return closed || complete(); }, 10000);
    data += socket.readAll();
    answer.closed = closed;
    const qsizetype headEnd = data.indexOf("\r\n\r\n");
    if (headEnd >= 0) {
        answer.head = data.left(headEnd);
        answer.body = data.mid(headEnd + 4);
    }
    return answer;
}

} // namespace

class TestSandboxFaults final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void parsesFaults_data();
    void parsesFaults();
    void refusesBadFaults_data();
    void refusesBadFaults();
    void commandLineTakesFaults();
    void faultsOnTheWire();
    void hugeBodyIsStreamed();
    void controlEndpoint();
    void controlEndpointRefusesOtherHosts();
    void processTakesFaultsAndControl();

private:
    RawAnswer request(const QByteArray& method, const QByteArray& target,
        const QByteArray& body = {}, bool withToken = true)
    {
        return rawRequest(QHostAddress::LocalHost, m_server->port(), method, target,
            withToken ? m_token : QByteArray(), body);
    }

    std::unique_ptr<SandboxServer> m_server;
    QByteArray m_token;
};

void TestSandboxFaults::init()
{
    SandboxOptions options;
    options.adminPassword = QStringLiteral("admin-pw");
    options.passwordIterations = 1000;
    options.seedCount = 4;
    m_server = std::make_unique<SandboxServer>(options);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    m_token = m_server->createApiKey().toUtf8();
}

void TestSandboxFaults::cleanup()
{
    m_server.reset();
}

void TestSandboxFaults::parsesFaults_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("times");

    QTest::newRow("delay") << "GET /users: delay=2000" << QByteArray("GET") << "/users" << 0 << 1;
    QTest::newRow("any method, prefix")
        << "* /users/*: status=500,times=always" << QByteArray() << "/users/*" << 500 << -1;
    QTest::newRow("no method, full path")
        << "/api/v1/users/me: drop=start,times=3" << QByteArray() << "/users/me" << 0 << 3;
    QTest::newRow("nginx") << "post /users: status=413,nginx" << QByteArray("POST") << "/users"
                           << 413 << 1;
    QTest::newRow("retry-after implies 429")
        << "GET /users: retry-after=2" << QByteArray("GET") << "/users" << 429 << 1;
    QTest::newRow("redirect implies 307")
        << "GET /users: redirect=http://127.0.0.1:9" << QByteArray("GET") << "/users" << 307 << 1;
    QTest::newRow("body keeps its commas") << "GET *: status=500,type=text/plain,body=a, b, c"
                                           << QByteArray("GET") << QString() << 500 << 1;
}

void TestSandboxFaults::parsesFaults()
{
    QFETCH(QString, spec);
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(int, status);
    QFETCH(int, times);
    QString error;
    const auto fault = parseFault(spec, &error);
    QVERIFY2(fault, qPrintable(error));
    QCOMPARE(fault->method, method);
    QCOMPARE(fault->path, path);
    QCOMPARE(fault->status, status);
    QCOMPARE(fault->times, times);
    if (spec.contains(u"nginx")) {
        QCOMPARE(fault->contentType, QByteArray("text/html"));
        QVERIFY(fault->body.contains("413 Request Entity Too Large"));
    }
    if (spec.contains(u"body="))
        QCOMPARE(fault->body, QByteArray("a, b, c"));
}

void TestSandboxFaults::refusesBadFaults_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("reason");
    QTest::newRow("no colon") << "GET /users"
                              << "expected";
    QTest::newRow("no option") << "GET /users:"
                               << "no option";
    QTest::newRow("unknown option") << "GET /users: explode"
                                    << "unknown option";
    QTest::newRow("bad status") << "GET /users: status=99"
                                << "not a valid value";
    QTest::newRow("bad drop") << "GET /users: drop=sometimes"
                              << "not a valid value";
    QTest::newRow("nginx without status") << "GET /users: nginx"
                                          << "needs a status";
    QTest::newRow("relative path") << "GET users: delay=1"
                                   << "must start with /";
    QTest::newRow("redirect with a path") << "GET /users: redirect=http://x/y"
                                          << "origin";
    QTest::newRow("no-length alone") << "GET /users: no-length"
                                     << "huge";
    QTest::newRow("bad method") << "G3T /users: delay=1"
                                << "not an HTTP method";
}

void TestSandboxFaults::refusesBadFaults()
{
    QFETCH(QString, spec);
    QFETCH(QString, reason);
    QString error;
    QVERIFY(!parseFault(spec, &error));
    QVERIFY2(error.contains(reason), qPrintable(error));
}

void TestSandboxFaults::commandLineTakesFaults()
{
    SandboxCommandLine commandLine;
    QCOMPARE(commandLine.parse({ "zenml-pro-sandbox", "--fault", "GET /users: delay=10", "--fault",
                                   "POST /users: status=413,nginx" },
                 QProcessEnvironment()),
        SandboxCommandLine::Outcome::Run);
    QCOMPARE(commandLine.options().faults.size(), 2);
    QCOMPARE(commandLine.options().faults.at(1).status, 413);

    SandboxCommandLine bad;
    QCOMPARE(
        bad.parse({ "zenml-pro-sandbox", "--fault", "GET /users: bogus" }, QProcessEnvironment()),
        SandboxCommandLine::Outcome::Error);
    QVERIFY2(
        bad.errorString().startsWith(QStringLiteral("--fault: ")), qPrintable(bad.errorString()));

    SandboxCommandLine help;
    QCOMPARE(help.parse({ "zenml-pro-sandbox", "--help" }, QProcessEnvironment()),
        SandboxCommandLine::Outcome::ShowHelp);
    for (const char* word : { "--fault", "drop=start|headers|mid-body", "huge=SIZE", "bad-utf8",
             "redirect", "retry-after", "nginx", "/_sandbox/faults" })
        QVERIFY2(help.helpText().contains(QLatin1String(word)), word);
}

void TestSandboxFaults::faultsOnTheWire()
{
    // Drops: nothing, headers only, half the body.
    m_server->addFault(*parseFault(QStringLiteral("GET /users/me: drop=start"), nullptr));
    RawAnswer answer = request("GET", "/api/v1/users/me");
    QVERIFY(answer.closed);
    QVERIFY(answer.head.isEmpty());

    m_server->addFault(*parseFault(QStringLiteral("GET /users/me: drop=headers"), nullptr));
    answer = request("GET", "/api/v1/users/me");
    QVERIFY(answer.closed);
    QCOMPARE(answer.status(), 200);
    QVERIFY(answer.header("Content-Length").toInt() > 100);
    QVERIFY(answer.body.isEmpty());

    m_server->addFault(*parseFault(QStringLiteral("GET /users/me: drop=mid-body"), nullptr));
    answer = request("GET", "/api/v1/users/me");
    QVERIFY(answer.closed);
    QCOMPARE(answer.body.size(), answer.header("Content-Length").toInt() / 2);

    // A dropped POST was handled first: the user exists.
    m_server->addFault(*parseFault(QStringLiteral("POST /users: drop=start"), nullptr));
    QVERIFY(request("POST", "/api/v1/users?username=dropped&password=Pass-word-1").closed);
    QCOMPARE(request("POST", "/api/v1/users?username=dropped&password=Pass-word-1").status(), 409);

    // Truncated, a complete HTTP message around a cut body.
    m_server->addFault(*parseFault(QStringLiteral("GET /users/me: truncate=10"), nullptr));
    answer = request("GET", "/api/v1/users/me");
    QCOMPARE(answer.body.size(), 10);
    QCOMPARE(answer.header("Content-Length"), QByteArray("10"));

    // nginx pages and 429.
    m_server->addFault(*parseFault(QStringLiteral("GET /users: status=504,nginx"), nullptr));
    answer = request("GET", "/api/v1/users");
    QCOMPARE(answer.status(), 504);
    QCOMPARE(answer.header("Content-Type"), QByteArray("text/html"));
    QVERIFY(answer.body.contains("<center>nginx/1.22.1</center>"));
    m_server->addFault(
        *parseFault(QStringLiteral("GET /users: status=429,retry-after=7"), nullptr));
    answer = request("GET", "/api/v1/users");
    QCOMPARE(answer.status(), 429);
    QCOMPARE(answer.header("Retry-After"), QByteArray("7"));

    // Invalid UTF-8 inside the field's values, the rest of the JSON intact.
    m_server->addFault(*parseFault(QStringLiteral("GET /users/me: bad-utf8=username"), nullptr));
    answer = request("GET", "/api/v1/users/me");
    QVERIFY(answer.body.contains("\"username\":\"\xC3(\xFF\xED\xA0\x80"
                                 "admin\""));

    // Redirects keep the path and query.
    m_server->addFault(*parseFault(QStringLiteral("GET /users: redirect"), nullptr));
    answer = request("GET", "/api/v1/users?offset=2&limit=1");
    QCOMPARE(answer.status(), 307);
    QCOMPARE(answer.header("Location"), QByteArray("/api/v1/users?offset=2&limit=1"));
    m_server->addFault(*parseFault(
        QStringLiteral("GET /users: redirect=https://other.example:8443,status=302"), nullptr));
    answer = request("GET", "/api/v1/users?limit=1");
    QCOMPARE(answer.status(), 302);
    QCOMPARE(
        answer.header("Location"), QByteArray("https://other.example:8443/api/v1/users?limit=1"));

    // Skip and times.
    m_server->addFault(
        *parseFault(QStringLiteral("GET /users/me: skip=1,status=500,times=2"), nullptr));
    QCOMPARE(request("GET", "/api/v1/users/me").status(), 200);
    QCOMPARE(request("GET", "/api/v1/users/me").status(), 500);
    QCOMPARE(request("GET", "/api/v1/users/me").status(), 500);
    QCOMPARE(request("GET", "/api/v1/users/me").status(), 200);
    QVERIFY(m_server->faults().isEmpty());
}

void TestSandboxFaults::hugeBodyIsStreamed()
{
    m_server->addFault(*parseFault(QStringLiteral("GET /users: huge=3M"), nullptr));
    const RawAnswer answer = request("GET", "/api/v1/users");
    QCOMPARE(answer.status(), 200);
    QCOMPARE(answer.body.size(), answer.header("Content-Length").toLongLong());
    QVERIFY(answer.body.size() > 3 * 1024 * 1024 - 300 && answer.body.size() <= 3 * 1024 * 1024);
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(answer.body, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QVERIFY(document.array().size() > 15000);
    QCOMPARE(document.array().at(1).toObject().value(QStringLiteral("id")).toString(),
        QStringLiteral("huge-0000000001"));

    m_server->addFault(*parseFault(QStringLiteral("GET /users: huge=100K,no-length"), nullptr));
    const RawAnswer unannounced = request("GET", "/api/v1/users");
    QVERIFY(unannounced.closed);
    QVERIFY(unannounced.header("Content-Length").isEmpty());
    QVERIFY(QJsonDocument::fromJson(unannounced.body).isArray());
}

void TestSandboxFaults::controlEndpoint()
{
    // Add two, see them, use one, clear.
    const QByteArray add
        = R"({"faults": ["GET /users: status=502,nginx", "DELETE /users/*: delay=5"]})";
    RawAnswer answer = request("POST", "/_sandbox/faults", add, /*withToken=*/false);
    QCOMPARE(answer.status(), 201);
    QCOMPARE(QJsonDocument::fromJson(answer.body).object().value("faults").toArray().size(), 2);
    QCOMPARE(request("GET", "/api/v1/users").status(), 502);
    answer = request("GET", "/_sandbox/faults", {}, false);
    QCOMPARE(answer.status(), 200);
    const QJsonArray left = QJsonDocument::fromJson(answer.body).object().value("faults").toArray();
    QCOMPARE(left.size(), 1);
    QCOMPARE(left.at(0).toObject().value("fault").toString(),
        QStringLiteral("DELETE /users/*: delay=5"));
    answer = request("DELETE", "/_sandbox/faults", {}, false);
    QCOMPARE(answer.status(), 200);
    QVERIFY(m_server->faults().isEmpty());

    // A bad fault is refused whole, with the reason.
    answer = request("POST", "/_sandbox/faults",
        R"({"faults": ["GET /users: delay=1", "GET /users: frobnicate"]})", false);
    QCOMPARE(answer.status(), 422);
    QVERIFY(answer.body.contains("unknown option"));
    QVERIFY(m_server->faults().isEmpty());
    QCOMPARE(request("POST", "/_sandbox/faults", "not json", false).status(), 422);
    QCOMPARE(request("PUT", "/_sandbox/faults", {}, false).status(), 405);
    QCOMPARE(request("GET", "/_sandbox/other", {}, false).status(), 404);

    // Not a route of the API, and faults never touch it.
    QCOMPARE(request("GET", "/api/v1/_sandbox/faults").status(), 404);
    QCOMPARE(
        request("POST", "/api/v1/_sandbox/faults", R"({"fault":"GET /users: delay=1"})").status(),
        404);
    m_server->addFault(*parseFault(QStringLiteral("*: status=500,times=always"), nullptr));
    QCOMPARE(request("GET", "/_sandbox/faults", {}, false).status(), 200);
    QCOMPARE(request("GET", "/api/v1/users").status(), 500);
}

void TestSandboxFaults::controlEndpointRefusesOtherHosts()
{
    // The server listens everywhere in-process (the command line refuses that), and is reached
    // through an address of this machine that is not loopback.
    QHostAddress external;
    for (const QHostAddress& address : QNetworkInterface::allAddresses()) {
        if (address.protocol() == QAbstractSocket::IPv4Protocol && !address.isLoopback()) {
            external = address;
            break;
        }
    }
    if (external.isNull())
        QSKIP("this machine has no non-loopback IPv4 address");
    SandboxOptions options;
    options.adminPassword = QStringLiteral("admin-pw");
    options.passwordIterations = 1000;
    SandboxServer server(options);
    QVERIFY(server.listen(QHostAddress::AnyIPv4));
    const RawAnswer refused = rawRequest(external, server.port(), "POST", "/_sandbox/faults", {},
        R"({"fault":"GET /users: status=500"})");
    QCOMPARE(refused.status(), 403);
    QVERIFY(refused.body.contains("loopback"));
    QVERIFY(server.faults().isEmpty());
    QCOMPARE(rawRequest(external, server.port(), "DELETE", "/_sandbox/faults").status(), 403);
    QCOMPARE(rawRequest(QHostAddress::LocalHost, server.port(), "GET", "/_sandbox/faults").status(),
        200);
}

void TestSandboxFaults::processTakesFaultsAndControl()
{
    if (const QString missing = sandboxMissingReason(); !missing.isEmpty())
        QSKIP(qPrintable(missing));
    RunningSandbox sandbox = startSandbox({ QStringLiteral("--fault"),
        QStringLiteral("GET /users/me: status=503,nginx,times=always") });
    QVERIFY2(sandbox.isReady(), qPrintable(sandbox.error));
    const QHostAddress host(sandbox.apiRoot.host());
    const auto port = quint16(sandbox.apiRoot.port());
    QCOMPARE(rawRequest(host, port, "GET", "/api/v1/users/me").status(), 503);

    RawAnswer answer = rawRequest(host, port, "DELETE", "/_sandbox/faults");
    QCOMPARE(answer.status(), 200);
    QCOMPARE(rawRequest(host, port, "GET", "/api/v1/users/me").status(), 401);
    answer = rawRequest(
        host, port, "POST", "/_sandbox/faults", {}, R"({"fault":"GET /users/me: drop=start"})");
    QCOMPARE(answer.status(), 201);
    QVERIFY(rawRequest(host, port, "GET", "/api/v1/users/me").closed);
    stopSandbox(sandbox);
}

QTEST_GUILESS_MAIN(TestSandboxFaults)
#include "tst_sandbox_faults.moc"
