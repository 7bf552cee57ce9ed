#include "TlsTrust.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>

namespace zenml::controlplane {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("zenml::controlplane::TlsTrust", text);
}

} // namespace

QByteArray sha256Of(const QSslCertificate& certificate)
{
    return certificate.digest(QCryptographicHash::Sha256).toHex();
}

std::optional<QList<QSslCertificate>> TlsTrust::loadCaBundle(
    const QString& path, const QByteArray& pem, QString* error)
{
    QList<QSslCertificate> certificates;
    if (!path.isEmpty()) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            if (error)
                *error = tr("The CA bundle %1 cannot be read: %2").arg(path, file.errorString());
            return std::nullopt;
        }
        const auto fromFile = QSslCertificate::fromData(file.readAll(), QSsl::Pem);
        if (fromFile.isEmpty()) {
            if (error)
                *error = tr("The CA bundle %1 holds no PEM certificate.").arg(path);
            return std::nullopt;
        }
        certificates += fromFile;
    }
    if (!pem.trimmed().isEmpty()) {
        const auto pasted = QSslCertificate::fromData(pem, QSsl::Pem);
        if (pasted.isEmpty()) {
            if (error)
                *error = tr("The pasted CA certificates are not in PEM form (-----BEGIN "
                            "CERTIFICATE----- …).");
            return std::nullopt;
        }
        certificates += pasted;
    }
    return certificates;
}

CertificateInfo CertificateInfo::describe(
    const QSslCertificate& certificate, const QList<QSslError>& errors, const QString& host)
{
    CertificateInfo info;
    info.subject = certificate.subjectDisplayName();
    if (info.subject.isEmpty())
        info.subject = certificate.subjectInfo(QSslCertificate::CommonName).join(u", ");
    info.issuer = certificate.issuerDisplayName();
    info.notBefore = certificate.effectiveDate();
    info.notAfter = certificate.expiryDate();
    info.sha256 = sha256Of(certificate);
    info.host = host;
    for (const QSslError& error : errors)
        info.problems << error.errorString();
    info.problems.removeDuplicates();
    return info;
}

QString CertificateInfo::fingerprintForDisplay() const
{
    QStringList pairs;
    const QByteArray upper = sha256.toUpper();
    for (qsizetype i = 0; i + 1 < upper.size(); i += 2)
        pairs << QString::fromLatin1(upper.mid(i, 2));
    return pairs.join(u':');
}

void TlsGuard::prepare(QNetworkRequest& request) const
{
    if (m_trust.extraCaCertificates.isEmpty())
        return;
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.addCaCertificates(m_trust.extraCaCertificates);
    request.setSslConfiguration(configuration);
}

void TlsGuard::watch(QNetworkReply* reply)
{
    QObject::connect(
        reply, &QNetworkReply::sslErrors, reply, [this, reply](const QList<QSslError>& errors) {
            const QSslCertificate presented = reply->sslConfiguration().peerCertificate();
            if (!m_trust.pinnedSha256.isEmpty() && !presented.isNull()
                && sha256Of(presented) == m_trust.pinnedSha256) {
                // Exactly these errors, for the certificate the administrator accepted.
                reply->ignoreSslErrors(errors);
                return;
            }
            m_lastRefused = CertificateInfo::describe(presented, errors, reply->url().host());
        });
}

} // namespace zenml::controlplane
