#pragma once

#include "CommandLine.h"
#include "session/SecretStore.h"
#include "session/ServerProfile.h"
#include "session/Session.h"

#include <QObject>
#include <QUrl>

#include <functional>
#include <optional>

namespace zenml::cli {

// The command line's side of the server profiles and the keychain. It uses the window's own
// ProfileStore and SecretStore under the application's names, so that a profile saved by
// either face works in the other. Secrets only ever go to the keychain.
class ProfileKeeper final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProfileKeeper)

public:
    // What a login or a logout did to the profile and its secret.
    struct Outcome
    {
        QString profileName; // empty: nothing was saved
        bool secretRemembered = false; // the keychain holds the profile's secret
        bool secretForgotten = false; // logout: the keychain no longer holds it
        bool profileRemoved = false;
        QString problem; // the keychain's failure, for a person; empty when none
    };
    using OutcomeCallback = std::function<void(const Outcome&)>;

    // `store` must outlive the keeper; nullptr means the application's default QSettings.
    explicit ProfileKeeper(session::ProfileStore* store = nullptr, QObject* parent = nullptr);

    // Reads the profile `request` names and fills in what the command line left open: the
    // server and the username. Returns a usage error when the profile does not exist and the
    // command cannot create it (only login can, given a server).
    std::optional<QString> apply(CliRequest* request);

    QString profileName() const { return m_name; }
    const std::optional<session::ServerProfile>& profile() const { return m_profile; }
    // The sign-in method of the stored profile; a password without one.
    session::Session::Method method() const;
    bool remembersSecret() const { return m_profile && m_profile->rememberSecret; }

    // The profile's secret for `username` from the keychain. Answers within the keychain's
    // timeout; NotFound means "ask for it".
    void readSecret(const QString& username, QObject* context, session::SecretStore::Callback done);

    // After a successful sign-in: saves the profile (the named one, or with `remember` and no
    // name one named after the server's host), then stores `secret` when `remember` is set
    // (ProfileStore::saveWithSecret). Without a name and without `remember` nothing is saved.
    void rememberLogin(const QUrl& apiRoot, session::Session::Method method,
        const QString& username, const QString& secret, bool remember, bool allowPlainHttp,
        QObject* context, OutcomeCallback done);

    // Forgets the named profile's stored secret for `username`, and with `removeProfile` the
    // profile as well. The profile is removed even when the keychain cannot be reached.
    void forget(
        const QString& username, bool removeProfile, QObject* context, OutcomeCallback done);

    // The keychain entry of this profile for one account; a token has no username.
    QString secretKey(
        const QString& profileName, session::Session::Method method, const QString& username) const;

private:
    session::ProfileStore* m_store;
    std::unique_ptr<session::ProfileStore> m_ownStore;
    session::SecretStore* m_secrets;
    QString m_name;
    std::optional<session::ServerProfile> m_profile;
};

} // namespace zenml::cli
