#include "UserCommands.h"

#include "Output.h"
#include "ProfileKeeper.h"
#include "SecretInput.h"
#include "controlplane/ApiClient.h"
#include "users/PasswordGenerator.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QTimer>
#include <QUuid>

#include <cstdio>

Q_LOGGING_CATEGORY(lcCli, "zenml.cli", QtInfoMsg)

namespace zenml::cli {

using controlplane::ApiError;
using session::Session;
using users::AccountRules;
using users::User;
using users::Verdict;

namespace {

void write(FILE* stream, const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
    std::fflush(stream);
}

void printOut(const QString& text)
{
    write(stdout, text);
}

void printErr(const QString& text)
{
    write(stderr, text.endsWith(QLatin1Char('\n')) ? text : text + QLatin1Char('\n'));
}

// How an account is named in a sentence: its username as the server has it, made safe for a
// terminal.
QString quoted(const QString& name)
{
    return QStringLiteral("“") + output::terminalSafe(name) + QStringLiteral("”");
}

int exitCodeFor(const ApiError& error, bool signingIn)
{
    switch (error.kind) {
    case ApiError::Kind::Network:
    case ApiError::Kind::Tls:
        return ExitConnection;
    case ApiError::Kind::Unauthorized:
        return ExitAuthentication;
    case ApiError::Kind::Forbidden:
        // At sign-in a 403 refuses the credentials (a deactivated account, an expired
        // password); later it refuses the operation.
        return signingIn ? ExitAuthentication : ExitRefused;
    default:
        return ExitRefused;
    }
}

} // namespace

UserCommands::UserCommands(const CliRequest& request, const Credentials& credentials,
    QNetworkAccessManager* network, ProfileKeeper* profiles, QObject* parent)
    : QObject(parent)
    , m_request(request)
    , m_credentials(credentials)
    , m_session(new Session(network, this))
    , m_profiles(profiles)
{
    if (!m_request.reservedAdmin.isEmpty())
        m_session->setReservedAdminUsername(m_request.reservedAdmin);
}

QString UserCommands::reservedAdmin() const
{
    return m_session->reservedAdminUsername();
}

void UserCommands::start()
{
    const QUrl apiRoot = controlplane::apiRootFromUserInput(m_request.server);
    if (m_request.command == Command::Logout) {
        if (apiRoot.isValid())
            m_session->client()->setApiRoot(apiRoot);
        logout();
        return;
    }
    connect(m_session, &Session::signedIn, this, &UserCommands::onSignedIn);
    connect(m_session, &Session::signInFailed, this, [this](const ApiError& error) {
        if (error.kind == ApiError::Kind::Tls && error.httpStatus == 0
            && m_session->apiRoot().scheme() == QLatin1String("http")) {
            printErr(tr("Nothing was sent: %1 On the command line, --allow-http gives that "
                        "consent.")
                         .arg(error.message));
        } else if (error.kind == ApiError::Kind::Network || error.kind == ApiError::Kind::Tls) {
            printErr(tr("Could not reach the control plane: %1").arg(error.message));
        } else {
            printErr(tr("Sign-in failed: %1").arg(output::terminalSafe(error.message)));
        }
        finish(exitCodeFor(error, /*signingIn=*/true));
    });
    m_session->setTlsTrust(m_credentials.tlsTrust);
    m_session->setPlainHttpConfirmed(m_credentials.plainHttpConfirmed);
    m_session->signIn(apiRoot, m_credentials.method, m_credentials.username, m_credentials.secret);
}

void UserCommands::logout()
{
    if (m_request.profile.isEmpty() || !m_profiles) {
        endServerSession(ExitOk, {});
        return;
    }
    // The local secret goes first: it does not depend on the server being reachable.
    m_profiles->forget(m_request.username, m_request.forgetProfile, this,
        [this](const ProfileKeeper::Outcome& outcome) {
            const QString name = quoted(outcome.profileName);
            const QJsonObject report { { QStringLiteral("profile"), outcome.profileName },
                { QStringLiteral("secret_forgotten"), outcome.secretForgotten },
                { QStringLiteral("profile_removed"), outcome.profileRemoved } };
            if (!outcome.problem.isEmpty()) {
                printErr((outcome.profileRemoved
                        ? tr("The profile %1 was removed, but its stored secret could "
                             "not be removed from the keychain: %2")
                        : tr("The secret stored for the profile %1 could not be removed "
                             "from the keychain: %2"))
                             .arg(name, outcome.problem));
                endServerSession(ExitRefused, report);
                return;
            }
            if (m_request.format == OutputFormat::Human) {
                printOut((outcome.profileRemoved
                        ? tr("Removed the profile %1 and forgot its stored secret.\n")
                        : tr("Forgot the secret stored for the profile %1; the profile stays.\n"))
                             .arg(name));
            }
            endServerSession(ExitOk, report);
        });
}

void UserCommands::endServerSession(int exitCode, const QJsonObject& report)
{
    // Only a token given for this run has a session to end: the command line keeps none.
    if (m_credentials.secret.isEmpty()) {
        if (m_request.format == OutputFormat::Json) {
            QJsonObject object = report;
            object.insert(QStringLiteral("logged_out"), false);
            printOut(output::jsonText(object));
        }
        finish(exitCode);
        return;
    }
    auto* client = m_session->client();
    client->setAccessToken(m_credentials.secret);
    client->logout(this, [this, exitCode, report](const ApiError& error) {
        if (error) {
            fail(error, tr("Logging out"));
            return;
        }
        if (m_request.format == OutputFormat::Json) {
            QJsonObject object = report;
            object.insert(QStringLiteral("logged_out"), true);
            printOut(output::jsonText(object));
        } else {
            printOut(tr("Logged out: the control plane ended this token's session.\n"));
        }
        finish(exitCode);
    });
}

void UserCommands::onSignedIn(const User& me)
{
    m_me = me;
    if (m_request.command == Command::Login) {
        rememberLogin();
        return;
    }

    // Every other command needs the whole list: the rules count super-users over all of it.
    controlplane::UserListJob* job = m_session->client()->listUsers();
    connect(job, &controlplane::UserListJob::pageReceived, this,
        [this](const users::UserList& page) { m_all += page; });
    connect(job, &controlplane::UserListJob::finished, this, [this, job](const ApiError& error) {
        job->deleteLater();
        if (error) {
            fail(error, tr("Listing the users"));
            return;
        }
        m_all = users::uniqueById(m_all);
        onListed();
    });
    job->start();
}

void UserCommands::rememberLogin()
{
    if (!m_profiles) {
        printLogin({}, false);
        finish(ExitOk);
        return;
    }
    m_profiles->rememberLogin(m_session->apiRoot(), m_credentials.method, m_credentials.username,
        m_credentials.secret, m_request.remember, m_request.allowHttp, this,
        [this](const ProfileKeeper::Outcome& outcome) {
            printLogin(outcome.profileName, outcome.secretRemembered);
            // The sign-in worked, so the run succeeds; the note says what did not.
            if (m_request.remember && !outcome.problem.isEmpty()) {
                printErr(tr("Nothing was remembered: the keychain could not store the secret "
                            "(%1). Give the secret again with each command.")
                             .arg(outcome.problem));
            }
            finish(ExitOk);
        });
}

void UserCommands::printLogin(const QString& profileName, bool secretRemembered)
{
    const QDateTime expires = m_session->tokenExpiresAt();
    const QString expiresIso
        = expires.isValid() ? expires.toUTC().toString(Qt::ISODate) : QString();
    if (m_request.format == OutputFormat::Json) {
        QJsonObject object {
            { QStringLiteral("server"), m_session->apiRoot().toString(QUrl::FullyEncoded) },
            { QStringLiteral("user"), output::userToJson(m_me, reservedAdmin()) },
            { QStringLiteral("method"),
                m_credentials.method == Session::Method::Token ? QStringLiteral("token")
                                                               : QStringLiteral("password") },
            { QStringLiteral("token_expires_at"),
                expires.isValid() ? QJsonValue(expiresIso) : QJsonValue() },
            { QStringLiteral("profile"),
                profileName.isEmpty() ? QJsonValue() : QJsonValue(profileName) },
            { QStringLiteral("secret_remembered"), secretRemembered },
        };
        printOut(output::jsonText(object));
        return;
    }

    const QString rights
        = m_me.isSuperuser || m_me.kind(reservedAdmin()) == users::AccountKind::ReservedAdmin
        ? tr("may manage users")
        : tr("not a super-user: read-only");
    QString text = tr("Signed in to %1 as %2 (%3, %4).\n")
                       .arg(m_session->apiRoot().toDisplayString(), quoted(m_me.username),
                           users::accountKindLabel(m_me.kind(reservedAdmin())), rights);
    if (expires.isValid()) {
        const qint64 minutes = (QDateTime::currentDateTimeUtc().secsTo(expires) + 59) / 60;
        text
            += tr("The access token expires at %1 (in %2 minutes).\n").arg(expiresIso).arg(minutes);
    } else {
        text += tr("The token's expiry is not known (a personal access token or API "
                   "key was used as it is).\n");
    }
    const QString name = output::terminalSafe(profileName);
    if (profileName.isEmpty()) {
        text += tr("Nothing was saved: each command signs in again (login --profile NAME "
                   "--remember keeps the server and the secret).\n");
    } else if (secretRemembered) {
        text += tr("Saved as the profile “%1”, with the secret in the system keychain: later "
                   "commands need only --profile %1.\n")
                    .arg(name);
    } else if (m_request.remember) {
        // Asked for and refused by the keychain: the reason is on the error output.
        text += tr("Saved as the profile “%1”; the secret is not remembered: the system "
                   "keychain could not store it.\n")
                    .arg(name);
    } else {
        text += tr("Saved as the profile “%1”; the secret is not remembered (login --profile %1 "
                   "--remember keeps it in the system keychain).\n")
                    .arg(name);
    }
    printOut(text);
}

void UserCommands::onListed()
{
    const AccountRules rules(m_me, m_all, reservedAdmin());
    switch (m_request.command) {
    case Command::UsersList:
        listUsers();
        return;
    case Command::UsersCreate:
        createUser(rules);
        return;
    case Command::UsersSetSuperuser:
        resolveTarget([this, rules](const User& target) { setSuperuser(rules, target); });
        return;
    case Command::UsersResetPassword:
        resolveTarget([this, rules](const User& target) { resetPassword(rules, target); });
        return;
    case Command::UsersRename:
        resolveTarget([this, rules](const User& target) { rename(rules, target); });
        return;
    case Command::UsersDelete:
        resolveTarget([this, rules](const User& target) { deleteUser(rules, target); });
        return;
    case Command::Login:
    case Command::Logout:
        break;
    }
    finish(ExitOk);
}

void UserCommands::listUsers()
{
    const users::UserList shown = output::filtered(m_all, m_request.filter);
    switch (m_request.format) {
    case OutputFormat::Human:
        printOut(output::table(shown, reservedAdmin()));
        break;
    case OutputFormat::Json:
        printOut(output::jsonText(shown, reservedAdmin()));
        break;
    case OutputFormat::Csv:
        printOut(output::csv(shown, reservedAdmin()));
        break;
    }
    finish(ExitOk);
}

void UserCommands::resolveTarget(const UserStep& next)
{
    const QString& key = m_request.target;
    const User* byId = nullptr;
    const User* exact = nullptr;
    QList<const User*> sameName;
    for (const User& user : std::as_const(m_all)) {
        if (!user.id.isEmpty() && user.id.compare(key, Qt::CaseInsensitive) == 0)
            byId = &user;
        if (user.username == key)
            exact = &user;
        if (users::sameUsername(user.username, key))
            sameName << &user;
    }
    if (const User* found = byId   ? byId
            : exact                ? exact
            : sameName.size() == 1 ? sameName.first()
                                   : nullptr) {
        next(*found);
        return;
    }
    if (sameName.size() > 1) {
        refuse(tr("More than one account is named %1 when case is ignored; give its id.")
                   .arg(quoted(key)));
        return;
    }
    // The server may leave the signed-in account (the reserved admin) out of the list.
    if (m_me.id.compare(key, Qt::CaseInsensitive) == 0 || users::sameUsername(m_me.username, key)) {
        next(m_me);
        return;
    }
    // An id the list does not hold: the server has the last word (a 404 says the account is
    // gone, for instance deleted by another administrator since).
    if (!QUuid::fromString(key).isNull()) {
        m_session->client()->fetchUser(
            key, this, [this, next](const User& user, const ApiError& error) {
                if (error) {
                    fail(error, tr("Looking up the account"));
                    return;
                }
                next(user);
            });
        return;
    }
    refuse(tr("No account has the username or id %1.").arg(quoted(key)));
}

void UserCommands::createUser(const AccountRules& rules)
{
    if (const Verdict verdict = rules.canCreate(m_request.target); !verdict) {
        refuse(verdict.reason);
        return;
    }
    if (m_request.displayName) {
        if (const Verdict verdict = rules.canChangeDisplayName(User {}, *m_request.displayName);
            !verdict) {
            refuse(verdict.reason);
            return;
        }
    }

    QString password;
    QString generated;
    if (m_request.generatePassword) {
        const users::PasswordGenerator generator;
        generated = generator.generate();
        if (generated.isEmpty()) {
            printErr(generator.errorString());
            finish(ExitRefused);
            return;
        }
        password = generated;
    } else if (m_credentials.newPassword) {
        password = *m_credentials.newPassword;
    } else {
        // Asked only now, once the rules accept the username: nobody types a password for an
        // account that cannot be created. Nothing is in flight during the read.
        const auto first = input::readLine(
            tr("Password for the new user %1: ").arg(quoted(m_request.target)), true);
        const auto second = first ? input::readLine(tr("Type it again: "), true) : std::nullopt;
        if (!first || !second || first->isEmpty()) {
            printErr(tr("No password was typed; nothing was created."));
            finish(ExitUsage);
            return;
        }
        if (*first != *second) {
            printErr(tr("The two passwords differ; nothing was created."));
            finish(ExitUsage);
            return;
        }
        password = *first;
    }
    if (password.isEmpty()) {
        printErr(tr("The new user's password is empty; nothing was created."));
        finish(ExitUsage);
        return;
    }

    controlplane::NewUser newUser;
    newUser.username = m_request.target;
    newUser.password = password;
    newUser.isSuperuser = m_request.superuser;
    m_session->client()->createUser(
        newUser, this, [this, generated](const User& created, const ApiError& error) {
            if (error) {
                fail(error, tr("Creating %1").arg(quoted(m_request.target)));
                return;
            }
            qCInfo(lcCli).noquote() << "Created user" << created.username << created.id;
            finishCreate(created, generated);
        });
}

void UserCommands::finishCreate(const User& created, const QString& generatedPassword)
{
    const auto report = [this, generatedPassword](const User& user, const QString& problem) {
        QString sentence = tr("Created user %1 (id %2)%3.")
                               .arg(quoted(user.username), user.id,
                                   user.isSuperuser ? tr(", a super-user") : QString());
        // The server's value is the truth; say so when it differs from what was typed.
        if (user.username != m_request.target) {
            sentence
                += tr(" The control plane stored the username as %1.").arg(quoted(user.username));
        }
        if (user.isSuperuser && !m_request.superuser) {
            sentence += tr(" The control plane made it a super-user (the first account "
                           "created through the API always is).");
        }
        if (user.passwordExpired)
            sentence += tr(" The password must be changed at the first sign-in.");
        printUser(user, sentence, QStringLiteral("initial_password"), generatedPassword);
        if (!problem.isEmpty()) {
            printErr(problem);
            finish(ExitRefused);
            return;
        }
        finish(ExitOk);
    };

    if (!m_request.displayName || *m_request.displayName == created.name) {
        report(created, {});
        return;
    }
    // POST /users takes no display name: it is a second request, and when that fails the
    // account exists all the same, so its password is printed in any case.
    auto* client = m_session->client();
    controlplane::UserPatch patch;
    patch.name = *m_request.displayName;
    client->updateUser(created.id, patch, this,
        [this, created, report, client](const User& updated, const ApiError& error) {
            if (error) {
                report(created,
                    tr("The display name was not set: %1")
                        .arg(output::terminalSafe(error.message)));
                return;
            }
            if (updated.username == created.username) {
                report(updated, {});
                return;
            }
            // This control plane applies "name" to the username: put the username back.
            controlplane::UserPatch undo;
            undo.name = created.username;
            client->updateUser(created.id, undo, this,
                [report, created](const User& restored, const ApiError& undoError) {
                    const QString why = tr("The display name was not set: this control plane "
                                           "applies a name to the username.");
                    if (undoError) {
                        report(created,
                            why
                                + tr(" Restoring the username failed: %1")
                                      .arg(output::terminalSafe(undoError.message)));
                        return;
                    }
                    report(restored, why);
                });
        });
}

void UserCommands::setSuperuser(const AccountRules& rules, const User& target)
{
    // A script that asks for the state an account is already in has what it wants: nothing is
    // sent, and the run succeeds (the window offers no such no-op at all).
    if (target.isSuperuser == m_request.superuserOn && !rules.isSelf(target)
        && !rules.isReservedAdmin(target)) {
        if (const Verdict manage = rules.canManage(); !manage) {
            refuse(manage.reason);
            return;
        }
        printUser(target,
            (target.isSuperuser ? tr("%1 is already a super-user; nothing was changed.")
                                : tr("%1 is not a super-user; nothing was changed."))
                .arg(quoted(target.username)));
        finish(ExitOk);
        return;
    }
    const Verdict verdict = m_request.superuserOn ? rules.canGrantSuperuser(target)
                                                  : rules.canRevokeSuperuser(target);
    if (!verdict) {
        refuse(verdict.reason);
        return;
    }
    controlplane::UserPatch patch;
    patch.isSuperuser = m_request.superuserOn;
    m_session->client()->updateUser(
        target.id, patch, this, [this, target](const User& updated, const ApiError& error) {
            if (error) {
                fail(error,
                    (m_request.superuserOn ? tr("Granting super-user status to %1")
                                           : tr("Revoking the super-user status of %1"))
                        .arg(quoted(target.username)));
                return;
            }
            printUser(updated,
                (updated.isSuperuser ? tr("%1 is now a super-user.")
                                     : tr("%1 is no longer a super-user."))
                    .arg(quoted(updated.username)));
            if (updated.isSuperuser != m_request.superuserOn) {
                printErr(tr("The control plane answered without applying the change."));
                finish(ExitRefused);
                return;
            }
            finish(ExitOk);
        });
}

void UserCommands::resetPassword(const AccountRules& rules, const User& target)
{
    if (const Verdict verdict = rules.canResetPassword(target); !verdict) {
        refuse(verdict.reason);
        return;
    }
    const users::PasswordGenerator generator;
    const QString password = generator.generate();
    if (password.isEmpty()) {
        printErr(generator.errorString());
        finish(ExitRefused);
        return;
    }
    auto* client = m_session->client();
    controlplane::UserPatch patch;
    patch.password = password;
    client->updateUser(target.id, patch, this,
        [this, target, password, client](const User& updated, const ApiError& error) {
            if (error) {
                fail(error, tr("Resetting the password of %1").arg(quoted(target.username)));
                return;
            }
            // The account is read again so that "must change password" is the server's
            // word, not an assumption.
            client->fetchUser(updated.id, this,
                [this, updated, password](const User& fetched, const ApiError& fetchError) {
                    const User& shown = fetchError ? updated : fetched;
                    QString sentence
                        = tr("The password of %1 was reset.").arg(quoted(shown.username));
                    sentence += shown.passwordExpired
                        ? tr(" It must be changed at the next sign-in.")
                        : tr(" The control plane does not ask for it to be changed.");
                    printUser(shown, sentence, QStringLiteral("temporary_password"), password);
                    if (fetchError) {
                        printErr(tr("The account could not be read again: %1")
                                     .arg(output::terminalSafe(fetchError.message)));
                    }
                    finish(ExitOk);
                });
        });
}

void UserCommands::rename(const AccountRules& rules, const User& target)
{
    const QString& newName = m_request.newName;
    const Verdict verdict = m_request.renameUsername ? rules.canChangeUsername(target, newName)
                                                     : rules.canChangeDisplayName(target, newName);
    if (!verdict) {
        refuse(verdict.reason);
        return;
    }
    applyName(target, newName, m_request.renameUsername, [this, target](const User& updated) {
        const QString sentence = m_request.renameUsername
            ? tr("%1 is now called %2.").arg(quoted(target.username), quoted(updated.username))
            : updated.name.isEmpty()
            ? tr("The display name of %1 is cleared.").arg(quoted(updated.username))
            : tr("The display name of %1 is now %2.")
                  .arg(quoted(updated.username), quoted(updated.name));
        printUser(updated, sentence);
        finish(ExitOk);
    });
}

void UserCommands::applyName(
    const User& target, const QString& newName, bool username, const UserStep& done)
{
    auto* client = m_session->client();
    controlplane::UserPatch patch;
    patch.name = newName;
    client->updateUser(target.id, patch, this,
        [this, target, newName, username, done, client](
            const User& updated, const ApiError& error) {
            if (error) {
                fail(error, tr("Renaming %1").arg(quoted(target.username)));
                return;
            }
            const bool usernameChanged = updated.username != target.username;
            const bool wrongField
                = username ? (!usernameChanged && newName != target.username) : usernameChanged;
            if (!wrongField) {
                done(updated);
                return;
            }

            // The control plane changed the other name: put it back as it was.
            controlplane::UserPatch undo;
            undo.name = username ? target.name : target.username;
            const QString what = username
                ? tr("This control plane does not change usernames: it took %1 as the display "
                     "name.")
                      .arg(quoted(newName))
                : tr("This control plane applies a new name to the username, not to the display "
                     "name (use --change-username for that).");
            client->updateUser(target.id, undo, this,
                [this, what, username](const User&, const ApiError& undoError) {
                    if (undoError) {
                        printErr(what
                            + (username ? tr(" Restoring the display name failed: %1")
                                        : tr(" Restoring the username failed: %1"))
                                  .arg(output::terminalSafe(undoError.message)));
                        finish(exitCodeFor(undoError, false));
                        return;
                    }
                    printErr(what
                        + (username ? tr(" The display name was restored.")
                                    : tr(" The username was restored.")));
                    finish(ExitRefused);
                });
        });
}

void UserCommands::deleteUser(const AccountRules& rules, const User& target)
{
    if (const Verdict verdict = rules.canDelete(target); !verdict) {
        refuse(verdict.reason);
        return;
    }
    if (!m_request.yes) {
        // Nothing is in flight while the person types. Without a terminal the run never got
        // here (it was refused before signing in).
        const auto typed = input::readLine(
            tr("Delete the account %1 (id %2)? Resources the user created stay on the control "
               "plane. Type the username to confirm: ")
                .arg(quoted(target.username), target.id));
        if (!typed || *typed != target.username) {
            printErr(tr("Not deleted: what was typed is not %1.").arg(quoted(target.username)));
            finish(ExitRefused);
            return;
        }
    }
    m_session->client()->deleteUser(target.id, this, [this, target](const ApiError& error) {
        if (error) {
            fail(error, tr("Deleting %1").arg(quoted(target.username)));
            return;
        }
        qCInfo(lcCli).noquote() << "Deleted user" << target.username << target.id;
        if (m_request.format == OutputFormat::Json) {
            QJsonObject object = output::userToJson(target, reservedAdmin());
            object.insert(QStringLiteral("deleted"), true);
            printOut(output::jsonText(object));
        } else {
            printOut(tr("Deleted %1 (id %2). Resources the user created stay.\n")
                         .arg(quoted(target.username), target.id));
        }
        finish(ExitOk);
    });
}

void UserCommands::printUser(
    const User& user, const QString& sentence, const QString& secretKey, const QString& secret)
{
    if (m_request.format == OutputFormat::Json) {
        QJsonObject object = output::userToJson(user, reservedAdmin());
        if (!secret.isEmpty())
            object.insert(secretKey, secret);
        printOut(output::jsonText(object));
        return;
    }
    QString text = sentence + QLatin1Char('\n');
    if (!secret.isEmpty()) {
        // On a line of its own, so that a double click or a script's `tail -1` takes exactly
        // the password.
        text
            += tr("Password (shown only this once; record it now):\n") + secret + QLatin1Char('\n');
    }
    printOut(text);
}

void UserCommands::refuse(const QString& reason)
{
    printErr(tr("Refused: %1").arg(output::terminalSafe(reason)));
    finish(ExitRefused);
}

void UserCommands::fail(const ApiError& error, const QString& doing)
{
    const QString message = output::terminalSafe(error.message);
    switch (error.kind) {
    case ApiError::Kind::Network:
    case ApiError::Kind::Tls:
        printErr(tr("%1 failed: could not reach the control plane: %2").arg(doing, message));
        break;
    case ApiError::Kind::Unauthorized:
        printErr(tr("%1 failed: the control plane no longer accepts the sign-in: %2")
                     .arg(doing, message));
        break;
    case ApiError::Kind::Server:
    case ApiError::Kind::Malformed:
    case ApiError::Kind::RateLimited:
    case ApiError::Kind::Cancelled:
        // Not a decision of the control plane: a proxy, an overload, a broken answer.
        printErr(tr("%1 failed: %2").arg(doing, message));
        break;
    default:
        printErr(tr("%1 failed: the control plane refused: %2").arg(doing, message));
        break;
    }
    finish(exitCodeFor(error, /*signingIn=*/false));
}

void UserCommands::finish(int exitCode)
{
    if (m_finished)
        return;
    m_finished = true;
    Q_EMIT finished(exitCode);
}

} // namespace zenml::cli
