#pragma once

#include "Session.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>

#include <optional>

class QSettings;

namespace zenml::session {

// One remembered control plane and how to sign in to it. Holds no secret: passwords, tokens
// and API keys live only in the operating system's keychain (SecretStore).
struct ServerProfile
{
    QString name; // unique, shown in the profile picker
    QUrl apiRoot;
    Session::Method method = Session::Method::Password;
    QString username;
    QString caBundlePath; // a PEM file of extra CAs to trust for this server
    QByteArray caBundlePem; // or PEM text pasted by the administrator
    QByteArray trustedCertificateSha256; // hex; exactly this certificate is trusted
    bool allowPlainHttp = false; // confirmed by the administrator for a non-loopback http://
    bool rememberSecret = false;

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
    void remove(const QString& name);

    QString lastUsed() const;
    void setLastUsed(const QString& name);

private:
    QSettings& settings() const;

    QSettings* m_settings;
    std::unique_ptr<QSettings> m_ownSettings;
};

} // namespace zenml::session
