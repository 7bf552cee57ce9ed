#pragma once

#include "CommandLine.h"
#include "controlplane/ApiError.h"
#include "controlplane/TlsTrust.h"
#include "session/Session.h"
#include "users/AccountRules.h"
#include "users/User.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>

#include <functional>
#include <optional>

class QNetworkAccessManager;

namespace zenml::cli {

class ProfileKeeper;

// The secrets a run needs, gathered before anything is sent. Never logged, never printed.
struct Credentials
{
    session::Session::Method method = session::Session::Method::Password;
    QString username;
    QString secret;
    std::optional<QString> newPassword; // users create --new-password-stdin
    // From the profile: its CA bundle and accepted certificate, and consent to plain http.
    controlplane::TlsTrust tlsTrust;
    bool plainHttpConfirmed = false;
};

// Runs one parsed command against the control plane, as a chain of callbacks on the event
// loop: sign in, list every user, ask the account rules, send, print. Ends with finished()
// exactly once. Data goes to stdout, messages to stderr.
//
// Reads from the terminal (a new user's password typed twice, the username typed to confirm
// a delete) happen between two requests, never while one is in flight.
class UserCommands final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UserCommands)

public:
    // `profiles` (which must outlive this) keeps what login remembers and logout forgets.
    UserCommands(const CliRequest& request, const Credentials& credentials,
        QNetworkAccessManager* network, ProfileKeeper* profiles, QObject* parent = nullptr);

    void start();

Q_SIGNALS:
    void finished(int exitCode);

private:
    using UserStep = std::function<void(const users::User&)>;

    void onSignedIn(const users::User& me);
    void onListed();
    // login: saves the profile and the secret as asked, then says what was done.
    void rememberLogin();
    void printLogin(const QString& profileName, bool secretRemembered);
    // logout: forgets the profile's stored secret, then ends the token's server session.
    void logout();
    void endServerSession(int exitCode, const QJsonObject& report);

    void listUsers();
    void createUser(const users::AccountRules& rules);
    void setSuperuser(const users::AccountRules& rules, const users::User& target);
    void resetPassword(const users::AccountRules& rules, const users::User& target);
    void rename(const users::AccountRules& rules, const users::User& target);
    void deleteUser(const users::AccountRules& rules, const users::User& target);

    // USER as typed: an id, or a username in any case. Calls `next` with the account, or ends
    // the run with the reason it is not known.
    void resolveTarget(const UserStep& next);
    // PATCH name, and checks which of the two names the control plane changed (it may apply
    // "name" to the username). When it changed the other one, restores it and fails.
    void applyName(
        const users::User& target, const QString& newName, bool username, const UserStep& done);
    // The account with the created user's display name set (--name), then the output.
    void finishCreate(const users::User& created, const QString& generatedPassword);

    void printUser(const users::User& user, const QString& sentence, const QString& secretKey = {},
        const QString& secret = {});
    void refuse(const QString& reason);
    void fail(const controlplane::ApiError& error, const QString& doing);
    void finish(int exitCode);

    QString reservedAdmin() const;

    CliRequest m_request;
    Credentials m_credentials;
    session::Session* m_session;
    ProfileKeeper* m_profiles;
    users::User m_me;
    users::UserList m_all;
    bool m_finished = false;
};

} // namespace zenml::cli
