#pragma once

#include <QObject>
#include <QString>

#include <chrono>
#include <functional>

namespace zenml::session {

// Passwords, tokens and API keys in the operating system's keychain, through QtKeychain.
// Every call is asynchronous and answers exactly once, within `timeout` even when no keychain
// service ever answers (no session bus, a locked or absent backend). Nothing is ever written
// anywhere else: the plain-text fallback of QtKeychain is off.
class SecretStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SecretStore)

public:
    struct Result
    {
        enum class Status
        {
            Done, // stored, read or removed
            NotFound, // no secret under this key: ask the administrator for it
            Unavailable, // no keychain could be reached: keep the secret in memory only
            Failed, // the keychain answered with an error (access denied, ...)
        };
        Status status = Status::Done;
        QString secret; // read only; never logged
        QString message; // for a person, when not Done

        bool ok() const { return status == Status::Done; }
    };
    using Callback = std::function<void(const Result&)>;

    explicit SecretStore(QObject* parent = nullptr);

    // The keychain entry of one account of one profile.
    static QString keyFor(const QString& profileName, const QString& username);

    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

    void read(const QString& key, QObject* context, Callback done);
    void write(const QString& key, const QString& secret, QObject* context, Callback done);
    // Removing a key that holds nothing is Done: the secret is gone either way.
    void remove(const QString& key, QObject* context, Callback done);

private:
    enum class Operation
    {
        Read,
        Write,
        Remove,
    };
    void run(Operation operation, const QString& key, const QString& secret, QObject* context,
        Callback done);

    std::chrono::milliseconds m_timeout { 5000 };
};

} // namespace zenml::session
