#include "SecretStore.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <qt6keychain/keychain.h>

Q_DECLARE_LOGGING_CATEGORY(lcSession)

namespace zenml::session {

namespace {

QString serviceName()
{
    return QStringLiteral(ZENML_APP_ID);
}

QString describe(QKeychain::Error error, const QString& detail)
{
    switch (error) {
    case QKeychain::NoBackendAvailable:
        return SecretStore::tr("No keychain is available on this system (%1).").arg(detail);
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        return SecretStore::tr("The keychain refused access (%1).").arg(detail);
    default:
        return SecretStore::tr("The keychain reported an error: %1").arg(detail);
    }
}

} // namespace

SecretStore::SecretStore(QObject* parent)
    : QObject(parent)
{ }

QString SecretStore::keyFor(const QString& profileName, const QString& username)
{
    // Percent-encoded so that no name can forge another profile's key.
    return QStringLiteral("profile/%1/user/%2")
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(profileName)),
            QString::fromLatin1(QUrl::toPercentEncoding(username)));
}

void SecretStore::read(const QString& key, QObject* context, Callback done)
{
    run(Operation::Read, key, {}, context, std::move(done));
}

void SecretStore::write(const QString& key, const QString& secret, QObject* context, Callback done)
{
    run(Operation::Write, key, secret, context, std::move(done));
}

void SecretStore::remove(const QString& key, QObject* context, Callback done)
{
    run(Operation::Remove, key, {}, context, std::move(done));
}

void SecretStore::run(
    Operation operation, const QString& key, const QString& secret, QObject* context, Callback done)
{
    // Jobs have no parent: deleting a job while its backend call is under way makes the backend
    // call back into freed memory. A job deletes itself once it has finished.
    QKeychain::Job* job = nullptr;
    switch (operation) {
    case Operation::Read:
        job = new QKeychain::ReadPasswordJob(serviceName());
        break;
    case Operation::Write: {
        auto* write = new QKeychain::WritePasswordJob(serviceName());
        write->setTextData(secret);
        job = write;
        break;
    }
    case Operation::Remove:
        job = new QKeychain::DeletePasswordJob(serviceName());
        break;
    }
    job->setKey(key);
    job->setInsecureFallback(false);
    job->setAutoDelete(true);

    // The first of the job's answer and the timeout decides; the other is ignored.
    struct Pending
    {
        bool answered = false;
        QPointer<QObject> context;
        Callback done;
    };
    auto pending = std::make_shared<Pending>(Pending { false, context, std::move(done) });
    const auto answer = [pending](const Result& result) {
        if (pending->answered)
            return;
        pending->answered = true;
        if (pending->context)
            pending->done(result);
    };

    auto* timer = new QTimer(job);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [answer, timeout = m_timeout] {
        qCWarning(lcSession) << "the keychain did not answer within" << timeout.count() << "ms";
        answer({ Result::Status::Unavailable, {},
            tr("The keychain did not answer within %1 seconds; is a Secret Service running in "
               "this desktop session?")
                .arg(double(timeout.count()) / 1000.0) });
    });
    connect(job, &QKeychain::Job::finished, this, [answer, operation](QKeychain::Job* finished) {
        const QKeychain::Error error = finished->error();
        if (error == QKeychain::NoError) {
            QString value;
            if (operation == Operation::Read)
                value = static_cast<QKeychain::ReadPasswordJob*>(finished)->textData();
            answer({ Result::Status::Done, value, {} });
            return;
        }
        if (error == QKeychain::EntryNotFound) {
            if (operation == Operation::Remove)
                answer({ Result::Status::Done, {}, {} });
            else
                answer(
                    { Result::Status::NotFound, {}, tr("No secret is stored for this account.") });
            return;
        }
        const QString message = describe(error, finished->errorString());
        qCWarning(lcSession).noquote() << "keychain:" << message;
        const bool unavailable = error == QKeychain::NoBackendAvailable
            || error == QKeychain::NotImplemented || error == QKeychain::OtherError;
        answer({ unavailable ? Result::Status::Unavailable : Result::Status::Failed, {}, message });
    });
    timer->start(m_timeout);
    job->start();
}

} // namespace zenml::session
