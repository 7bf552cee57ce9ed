#pragma once

#include "Session.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>

#include <functional>
#include <optional>

class QObject;
class QSettings;

namespace zenml::session {

class SecretStore;

// One remembered control plane and how to sign in to it. Holds no secret: passwords, tokens
// and API keys live only in the operating system's keychain (SecretStore).
struct ServerProfile
{
    QString name; // unique, shown in the profile picker
    QUrl apiRoot;
    Session::Method method = Session::Method::Password;
    QString username; // empty for a token; names the keychain entry with the profile's name
    QString caBundlePath; // a PEM file of extra CAs to trust for this server
    QByteArray caBundlePem; // or PEM text pasted by the administrator
    QByteArray trustedCertificateSha256; // hex; exactly this certificate is trusted
    bool allowPlainHttp = false; // confirmed by the administrator for a non-loopback http://
    bool rememberSecret = false; // the keychain holds the secret of this name and username

    bool isValid() const { return !name.trimmed().isEmpty() && apiRoot.isValid(); }
    friend bool operator==(const ServerProfile&, const ServerProfile&) = default;
};

// Server profiles in QSettings (the program's own settings unless another is given), one
// group per profile.
class ProfileStore final
{
public:
    // `settings` must outlive the store; nullptr means the application's default QSettings.
    explicit ProfileStore(QSettings* settings = nullptr);
    ~ProfileStore();
    Q_DISABLE_COPY_MOVE(ProfileStore)

    QList<ServerProfile> profiles() const;
    std::optional<ServerProfile> profile(const QString& name) const;
    bool isEmpty() const;

    // Adds or replaces the profile with the same name. `previousName` renames.
    void save(const ServerProfile& profile, const QString& previousName = {});

    // What saving a profile does to its secret in the keychain.
    enum class SecretChoice
    {
        Store, // remember `secret` for the profile's account
        Forget, // remember none: the secret the profile kept is removed
        Keep, // no decision: a secret kept for the same account stays remembered
    };
    struct SaveResult
    {
        ServerProfile profile; // as saved; rememberSecret as the keychain left it
        QString problem; // why the secret could not be stored, for a person; empty when it was
    };
    using SaveCallback = std::function<void(const SaveResult&)>;

    // Saves `profile` at once (its `rememberSecret` is worked out here, not taken) and makes it
    // the last used, then brings the keychain in line: stores `secret` as `choice` says, and
    // removes a secret the profile kept for another account, or for this one when forgotten.
    // When the keychain cannot store the secret, the profile stays saved without remembering
    // one, and `problem` says why. `done` (optional) answers once, within the keychain's
    // timeouts, unless `context` is gone by then; the keychain's work goes on without it. This
    // store must stay alive while `secrets` may still answer.
    void saveWithSecret(const ServerProfile& profile, const QString& secret, SecretChoice choice,
        SecretStore& secrets, QObject* context, SaveCallback done);

    void remove(const QString& name);

    QString lastUsed() const;
    void setLastUsed(const QString& name);

private:
    QSettings& settings() const;

    QSettings* m_settings;
    std::unique_ptr<QSettings> m_ownSettings;
};

} // namespace zenml::session
