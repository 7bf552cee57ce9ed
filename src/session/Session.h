#pragma once

#include "controlplane/ApiClient.h"
#include "controlplane/ApiError.h"
#include "users/User.h"

#include <QDateTime>
#include <QObject>
#include <QUrl>

#include <functional>

namespace zenml::session {

// The signed-in state of one administrator against one control plane: the API root, the
// token and its expiry (in memory only), and the account that signed in.
class Session final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Session)

public:
    enum class Method
    {
        Password, // username and password exchanged at /auth/login
        Token, // a personal access token or API key sent as the bearer token
    };

    explicit Session(QNetworkAccessManager* network, QObject* parent = nullptr);

    controlplane::ApiClient* client() const { return m_client; }

    // Signs in and then fetches the account's own user object. Ends with signedIn() or
    // signInFailed(). A token that the server does not accept as a bearer token is tried
    // once more by exchanging it at /auth/login (the API-key flow).
    void signIn(const QUrl& apiRoot, Method method, const QString& username, const QString& secret);
    void signOut();

    // What the next sign-in's connections trust beyond the system's CAs (a profile's CA bundle
    // or accepted certificate).
    void setTlsTrust(const controlplane::TlsTrust& trust) { m_client->setTlsTrust(trust); }
    // http:// is refused for anything but loopback unless the administrator confirmed it for
    // this server.
    void setPlainHttpConfirmed(bool confirmed) { m_plainHttpConfirmed = confirmed; }
    static bool isLoopback(const QUrl& url);

    // Whether an expired password must be replaced before the session is signed in (the
    // window: yes). Off, an account whose server lets it in with an expired password is
    // signed in as is (the command line warns instead); a server that refuses such a sign-in
    // with 403 still ends in passwordChangeRequired().
    void setEnforcePasswordChange(bool enforce) { m_enforcePasswordChange = enforce; }

    // Set a new password for the signed-in account when the server requires it: after
    // passwordChangeRequired(), nothing else happens until this succeeded (signedIn()) or the
    // session is signed out. Ends with signedIn() or passwordChangeFailed().
    void changeExpiredPassword(const QString& newPassword);
    bool isPasswordChangeRequired() const { return m_passwordChange != PasswordChange::None; }

    bool isSignedIn() const { return m_signedIn; }
    bool isBusy() const { return m_busy; }
    QUrl apiRoot() const { return m_client->apiRoot(); }
    const users::User& currentUser() const { return m_currentUser; }
    QDateTime tokenExpiresAt() const { return m_tokenExpiresAt; } // invalid when unknown
    // True once the token's announced lifetime has run out (never for an unknown expiry).
    bool isTokenExpired() const;

    QString reservedAdminUsername() const { return m_reservedAdminUsername; }
    void setReservedAdminUsername(const QString& username);

Q_SIGNALS:
    void signedIn(const zenml::users::User& currentUser);
    void signInFailed(const zenml::controlplane::ApiError& error);
    void signedOut();
    // The account must choose a new password before anything else (password_expired, or a
    // server that refuses the sign-in with 403 until a new password comes with it).
    void passwordChangeRequired(const QString& username);
    void passwordChangeFailed(const zenml::controlplane::ApiError& error);
    // The token was refused and signing in again failed: the session is over.
    void sessionExpired(const QString& message);

private:
    void exchangeAndFetch(int attempt, const QString& username, const QString& secret);
    void fetchCurrentUser(int attempt, bool tokenMayBeExchanged, const QString& secret);
    void fail(const controlplane::ApiError& error);
    void finishSignIn(const users::User& user);
    void requirePasswordChange(int attempt, const QString& username);
    // The client's answer to a 401: sign in again with the secret of this session, once.
    void reauthenticate(std::function<void(bool)> done);

    enum class PasswordChange
    {
        None,
        ThroughProfile, // signed in; PATCH /users/me with the new password
        ThroughLogin, // refused with 403; sign in again with new_password in the form
    };

    controlplane::ApiClient* m_client;
    users::User m_currentUser;
    QDateTime m_tokenExpiresAt;
    QString m_reservedAdminUsername = users::User::defaultReservedAdminUsername();
    bool m_signedIn = false;
    bool m_busy = false;
    bool m_plainHttpConfirmed = false;
    bool m_enforcePasswordChange = false;
    PasswordChange m_passwordChange = PasswordChange::None;
    Method m_method = Method::Password;
    QString m_username;
    // The secret of this session, in memory only, for a sign-in again when the token expires.
    QString m_secret;
    int m_attempt = 0; // answers to an older sign-in or to a sign-out are ignored
};

} // namespace zenml::session
