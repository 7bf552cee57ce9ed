// TLS trust against a sandbox serving HTTPS with certificates made at test time: an untrusted
// certificate is refused before anything is sent; a CA bundle, or exactly one accepted
// certificate, is trusted; a different certificate later is refused again (CASES.md 8).

#include "controlplane/ApiClient.h"
#include "controlplane/TlsTrust.h"
#include "sandbox/SandboxServer.h"
#include "session/Session.h"
#include "support/TestCertificates.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using zenml::controlplane::ApiError;
using zenml::controlplane::TlsTrust;
using zenml::sandbox::SandboxOptions;
using zenml::sandbox::SandboxServer;
using zenml::session::Session;

class TestTlsTrust final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void untrustedIsRefusedAndNothingSent();
    void caBundleIsTrusted();
    void acceptedCertificateIsTrusted();
    void differentCertificateIsRefusedAgain();
    void unreadableCaBundleIsReported();
    void plainHttpToAnotherHostNeedsConsent();

private:
    std::unique_ptr<SandboxServer> serve(const QString& certificate, const QString& key);
    // Signs a fresh session in with `trust`; returns the error (Kind::None on success).
    ApiError signIn(SandboxServer& server, const TlsTrust& trust,
        std::optional<zenml::controlplane::CertificateInfo>* refused = nullptr);

    TestCertificates m_certificates;
    QNetworkAccessManager m_network;
};

void TestTlsTrust::initTestCase()
{
    if (!QSslSocket::supportsSsl())
        QSKIP("this Qt has no TLS backend");
    if (!m_certificates.make())
        QSKIP(qPrintable(m_certificates.error));
}

std::unique_ptr<SandboxServer> TestTlsTrust::serve(const QString& certificate, const QString& key)
{
    SandboxOptions options;
    options.adminPassword = QStringLiteral("tls-admin-password");
    options.passwordIterations = 1000;
    options.tlsCertificatePath = certificate;
    options.tlsKeyPath = key;
    auto server = std::make_unique<SandboxServer>(options);
    if (!server->listen())
        qWarning("sandbox: %s", qPrintable(server->errorString()));
    return server;
}

ApiError TestTlsTrust::signIn(SandboxServer& server, const TlsTrust& trust,
    std::optional<zenml::controlplane::CertificateInfo>* refused)
{
    Session session(&m_network);
    session.setTlsTrust(trust);
    QSignalSpy signedIn(&session, &Session::signedIn);
    QSignalSpy failed(&session, &Session::signInFailed);
    session.signIn(server.apiRoot(), Session::Method::Password, server.adminUsername(),
        server.adminPassword());
    (void)QTest::qWaitFor([&] { return !signedIn.isEmpty() || !failed.isEmpty(); }, 15000);
    if (refused)
        *refused = session.client()->refusedCertificate();
    if (!failed.isEmpty())
        return failed.first().first().value<ApiError>();
    if (signedIn.isEmpty()) {
        ApiError timeout;
        timeout.kind = ApiError::Kind::Network;
        timeout.message = QStringLiteral("no answer in 15 s");
        return timeout;
    }
    return {};
}

void TestTlsTrust::untrustedIsRefusedAndNothingSent()
{
    auto server = serve(m_certificates.serverCert(), m_certificates.serverKey());
    QVERIFY(server->isListening());
    QCOMPARE(server->apiRoot().scheme(), QStringLiteral("https"));

    std::optional<zenml::controlplane::CertificateInfo> refused;
    const ApiError error = signIn(*server, {}, &refused);
    QCOMPARE(error.kind, ApiError::Kind::Tls);
    QVERIFY(refused.has_value());
    QCOMPARE(refused->sha256,
        zenml::controlplane::sha256Of(TestCertificates::load(m_certificates.serverCert())));
    QVERIFY(!refused->problems.isEmpty());
    QCOMPARE(refused->host, QStringLiteral("127.0.0.1"));
    // The handshake failed, so not one request (and so no password) reached the server.
    QCOMPARE(server->requestsServed(), 0);
}

void TestTlsTrust::caBundleIsTrusted()
{
    auto server = serve(m_certificates.serverCert(), m_certificates.serverKey());
    QString problem;
    const auto cas = TlsTrust::loadCaBundle(m_certificates.caCert(), {}, &problem);
    QVERIFY2(cas, qPrintable(problem));
    TlsTrust trust;
    trust.extraCaCertificates = *cas;
    const ApiError error = signIn(*server, trust);
    QVERIFY2(!error, qPrintable(error.message));
    QVERIFY(server->requestsServed() >= 2);
}

void TestTlsTrust::acceptedCertificateIsTrusted()
{
    // A self-signed certificate no CA vouches for: trusted only because it was accepted.
    auto server = serve(m_certificates.otherCert(), m_certificates.otherKey());
    TlsTrust trust;
    trust.pinnedSha256
        = zenml::controlplane::sha256Of(TestCertificates::load(m_certificates.otherCert()));
    const ApiError error = signIn(*server, trust);
    QVERIFY2(!error, qPrintable(error.message));
}

void TestTlsTrust::differentCertificateIsRefusedAgain()
{
    // Accepted: the self-signed one. Presented now: the CA-signed one, unknown without the CA.
    auto server = serve(m_certificates.serverCert(), m_certificates.serverKey());
    TlsTrust trust;
    trust.pinnedSha256
        = zenml::controlplane::sha256Of(TestCertificates::load(m_certificates.otherCert()));
    std::optional<zenml::controlplane::CertificateInfo> refused;
    const ApiError error = signIn(*server, trust, &refused);
    QCOMPARE(error.kind, ApiError::Kind::Tls);
    QVERIFY(refused.has_value());
    QVERIFY(refused->sha256 != trust.pinnedSha256);
    QCOMPARE(server->requestsServed(), 0);
}

void TestTlsTrust::unreadableCaBundleIsReported()
{
    QString problem;
    QVERIFY(
        !TlsTrust::loadCaBundle(m_certificates.path(QStringLiteral("missing.pem")), {}, &problem));
    QVERIFY(problem.contains(QStringLiteral("missing.pem")));
    QVERIFY(!TlsTrust::loadCaBundle({}, "not a certificate", &problem));
    QVERIFY(problem.contains(QStringLiteral("PEM")));
}

void TestTlsTrust::plainHttpToAnotherHostNeedsConsent()
{
    Session session(&m_network);
    QSignalSpy failed(&session, &Session::signInFailed);
    // 192.0.2.1 is reserved for documentation: nothing is contacted, the refusal comes first.
    session.signIn(QUrl(QStringLiteral("http://192.0.2.1/api/v1")), Session::Method::Password,
        QStringLiteral("admin"), QStringLiteral("secret"));
    QVERIFY(failed.wait(5000));
    const auto error = failed.first().first().value<ApiError>();
    QCOMPARE(error.kind, ApiError::Kind::Tls);
    QVERIFY2(error.message.contains(QStringLiteral("http://")), qPrintable(error.message));
    QVERIFY(Session::isLoopback(QUrl(QStringLiteral("http://127.0.0.1:8080"))));
    QVERIFY(Session::isLoopback(QUrl(QStringLiteral("http://localhost"))));
    QVERIFY(Session::isLoopback(QUrl(QStringLiteral("http://[::1]:80"))));
    QVERIFY(!Session::isLoopback(QUrl(QStringLiteral("http://10.0.0.1"))));
}

QTEST_MAIN(TestTlsTrust)
#include "tst_tls_trust.moc"
