#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QSslCertificate>
#include <QSslError>
#include <QStringList>

#include <optional>

class QNetworkReply;
class QNetworkRequest;

namespace zenml::controlplane {

// What one server profile trusts beyond the system's certificate authorities: the CAs of a
// bundle (an internal CA), and exactly one certificate the administrator accepted after
// looking at it (a self-signed server). Nothing else is ever let through.
struct TlsTrust
{
    QList<QSslCertificate> extraCaCertificates;
    QByteArray pinnedSha256; // lower-case hex of the accepted certificate; empty for none

    bool isEmpty() const { return extraCaCertificates.isEmpty() && pinnedSha256.isEmpty(); }

    // Reads a CA bundle from a PEM file and/or PEM text. Returns nullopt and sets *error when
    // a given bundle holds no certificate.
    static std::optional<QList<QSslCertificate>> loadCaBundle(
        const QString& path, const QByteArray& pem, QString* error);
};

// A presented certificate, described for the person deciding whether to trust it.
struct CertificateInfo
{
    QString subject;
    QString issuer;
    QDateTime notBefore;
    QDateTime notAfter;
    QByteArray sha256; // lower-case hex
    QStringList problems; // why it was not trusted, in words
    QString host;

    static CertificateInfo describe(
        const QSslCertificate& certificate, const QList<QSslError>& errors, const QString& host);
    // "AB:CD:…" for display.
    QString fingerprintForDisplay() const;
};

QByteArray sha256Of(const QSslCertificate& certificate);

// Applies a TlsTrust to requests and judges their certificate errors: the errors of the pinned
// certificate are ignored (exactly those errors, for exactly that certificate); any other
// error ends the connection before a byte of the request is sent, and the refused certificate
// is kept for the question to the administrator.
class TlsGuard final
{
public:
    void setTrust(const TlsTrust& trust)
    {
        m_trust = trust;
        m_lastRefused.reset();
    }
    const TlsTrust& trust() const { return m_trust; }

    void prepare(QNetworkRequest& request) const;
    void watch(QNetworkReply* reply);

    // The last certificate that was refused; cleared by setTrust() and clearRefused().
    const std::optional<CertificateInfo>& lastRefused() const { return m_lastRefused; }
    void clearRefused() { m_lastRefused.reset(); }

private:
    TlsTrust m_trust;
    std::optional<CertificateInfo> m_lastRefused;
};

} // namespace zenml::controlplane
