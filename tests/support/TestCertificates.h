#pragma once

// Certificates made at test time with openssl: a CA, a server certificate it signed for
// 127.0.0.1 and localhost, and a self-signed server certificate unrelated to the CA.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSslCertificate>
#include <QStandardPaths>
#include <QTemporaryDir>

struct TestCertificates
{
    QTemporaryDir dir;
    QString error;

    QString path(const QString& name) const { return dir.filePath(name); }
    QString caCert() const { return path(QStringLiteral("ca.pem")); }
    QString serverCert() const { return path(QStringLiteral("server.pem")); }
    QString serverKey() const { return path(QStringLiteral("server.key")); }
    QString otherCert() const { return path(QStringLiteral("other.pem")); }
    QString otherKey() const { return path(QStringLiteral("other.key")); }

    static QSslCertificate load(const QString& file)
    {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return QSslCertificate();
        const auto list = QSslCertificate::fromData(f.readAll(), QSsl::Pem);
        return list.isEmpty() ? QSslCertificate() : list.first();
    }

    // Empty when openssl is available and everything was made; else why not.
    bool make()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty()) {
            error = QStringLiteral("openssl is not installed (Debian package openssl)");
            return false;
        }
        const QString san = path(QStringLiteral("san.cnf"));
        QFile config(san);
        if (!config.open(QIODevice::WriteOnly))
            return fail(QStringLiteral("cannot write %1").arg(san));
        config.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                     "basicConstraints=CA:FALSE\n");
        config.close();

        const QString days = QStringLiteral("30");
        return run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                   path(QStringLiteral("ca.key")), "-out", caCert(), "-days", days, "-subj",
                   "/CN=ZenML Test Internal CA")
            && run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", serverKey(), "-out",
                path(QStringLiteral("server.csr")), "-subj", "/CN=127.0.0.1")
            && run("x509", "-req", "-in", path(QStringLiteral("server.csr")), "-CA", caCert(),
                "-CAkey", path(QStringLiteral("ca.key")), "-CAcreateserial", "-out", serverCert(),
                "-days", days, "-extfile", san)
            && run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", otherKey(), "-out",
                otherCert(), "-days", days, "-subj", "/CN=127.0.0.1", "-addext",
                "subjectAltName=IP:127.0.0.1");
    }

private:
    bool fail(const QString& why)
    {
        error = why;
        return false;
    }

    template <typename... Args> bool run(const Args&... arguments)
    {
        return runArgs({ QString(arguments)... });
    }

    bool runArgs(const QStringList& args)
    {
        QProcess openssl;
        openssl.setProcessChannelMode(QProcess::MergedChannels);
        openssl.start(QStringLiteral("openssl"), args);
        if (!openssl.waitForFinished(60000) || openssl.exitCode() != 0)
            return fail(QStringLiteral("openssl %1 failed: %2")
                            .arg(args.first(), QString::fromUtf8(openssl.readAll())));
        return true;
    }
};
