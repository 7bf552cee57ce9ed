#include "sandbox/ControlPlane.h"

#include "sandbox/PasswordHasher.h"
#include "sandbox/SandboxLog.h"
#include "sandbox/UserJson.h"
#include "sandbox/UserStore.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QUuid>

namespace zenml::sandbox {

namespace {

constexpr int MaxUsernameLength = 255;
constexpr int MaxNameLength = 255;
constexpr int MaxPasswordLength = 1024;

QByteArray randomBytes(int count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(
        reinterpret_cast<quint32*>(bytes.data()), count / int(sizeof(quint32)));
    return bytes;
}

bool isUuid(const QString& text)
{
    return !QUuid::fromString(text).isNull() && (text.size() == 36 || text.size() == 38);
}

QString normalizedUuid(const QString& text)
{
    return QUuid::fromString(text).toString(QUuid::WithoutBraces);
}

// Pydantic's lax reading of a boolean in a query string.
std::optional<bool> parseBool(const QString& text)
{
    const QString lower = text.toLower();
    if (lower == u"true" || lower == u"1" || lower == u"yes" || lower == u"on" || lower == u"t"
        || lower == u"y")
        return true;
    if (lower == u"false" || lower == u"0" || lower == u"no" || lower == u"off" || lower == u"f"
        || lower == u"n")
        return false;
    return std::nullopt;
}

ApiResponse methodNotAllowed(const QByteArray& allowed)
{
    ApiResponse response = ApiResponse::detail(405, QStringLiteral("Method Not Allowed"));
    response.headers.append({ QByteArrayLiteral("Allow"), allowed });
    return response;
}

ApiResponse notFound()
{
    return ApiResponse::detail(404, QStringLiteral("Not Found"));
}

ApiResponse userNotFound()
{
    return ApiResponse::detail(404, QStringLiteral("User not found"));
}

ApiResponse storageFailure()
{
    return ApiResponse::detail(500, QStringLiteral("Internal server error: the database failed"));
}

ApiResponse invalidUuid(const QString& parameter)
{
    return ApiResponse::validation(
        { ApiResponse::validationError({ QStringLiteral("path"), parameter },
            QStringLiteral("Input should be a valid UUID"), QStringLiteral("uuid_parsing")) });
}

} // namespace

ControlPlane::ControlPlane(SandboxOptions options, UserStore& store)
    : m_options(std::move(options))
    , m_store(store)
{ }

void ControlPlane::addApiKey(const QString& key, const QString& userId)
{
    m_apiKeys.insert(tokenHash(key), userId);
}

QString ControlPlane::generateApiKey()
{
    return QStringLiteral("ZENPROKEY_")
        + QString::fromLatin1(randomBytes(32).toBase64(
            QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QByteArray ControlPlane::tokenHash(const QString& token)
{
    return QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256);
}

QString ControlPlane::now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

bool ControlPlane::canManageOthers(const UserRecord& user)
{
    return user.isSuperuser || user.isAdmin;
}

std::optional<QString> ControlPlane::usernameProblem(const QString& username)
{
    if (username.isEmpty())
        return QStringLiteral("String should have at least 1 character");
    if (username.size() > MaxUsernameLength)
        return QStringLiteral("String should have at most %1 characters").arg(MaxUsernameLength);
    if (username.front().isSpace() || username.back().isSpace())
        return QStringLiteral("Value error, the username must not begin or end with whitespace");
    for (const QChar c : username) {
        const QChar::Category category = c.category();
        if (category == QChar::Other_Control || category == QChar::Other_Format
            || category == QChar::Separator_Line || category == QChar::Separator_Paragraph)
            return QStringLiteral("Value error, the username must not contain control or "
                                  "invisible formatting characters");
    }
    return std::nullopt;
}

ApiResponse ControlPlane::handle(const ApiRequest& request)
{
    if (request.segments.size() < 3 || request.segments.at(0) != u"api"
        || request.segments.at(1) != u"v1")
        return notFound();
    const QStringList path = request.segments.mid(2);
    const QByteArray& method = request.method;

    if (path.size() == 2 && path.at(0) == u"auth") {
        if (path.at(1) == u"login")
            return method == "POST" ? login(request) : methodNotAllowed("POST");
        if (path.at(1) == u"logout")
            return method == "POST" ? logout(request) : methodNotAllowed("POST");
        return notFound();
    }
    if (path.at(0) != u"users" || path.size() > 2)
        return notFound();
    if (path.size() == 1) {
        if (method == "GET")
            return listUsers(request);
        if (method == "POST")
            return createUser(request);
        return methodNotAllowed("GET, POST");
    }
    if (method == "GET")
        return getUser(request, path.at(1));
    if (method == "PATCH")
        return updateUser(request, path.at(1));
    if (method == "DELETE")
        return deleteUser(request, path.at(1));
    return methodNotAllowed("GET, PATCH, DELETE");
}

std::optional<UserRecord> ControlPlane::authenticate(
    const ApiRequest& request, ApiResponse& failure, QByteArray* hashOut)
{
    const QByteArray header = request.authorization.trimmed();
    const QByteArray scheme = header.left(7).toLower();
    const QString token = QString::fromUtf8(header.mid(7).trimmed());
    if (scheme != "bearer " || token.isEmpty()) {
        failure = ApiResponse::detail(401, QStringLiteral("Not authenticated"));
        return std::nullopt;
    }

    const QByteArray hash = tokenHash(token);
    std::optional<QString> userId;
    if (const auto key = m_apiKeys.constFind(hash); key != m_apiKeys.constEnd())
        userId = key.value();
    else
        userId = m_store.tokenOwner(hash, QDateTime::currentMSecsSinceEpoch());
    if (!userId) {
        failure = ApiResponse::detail(401,
            QStringLiteral("Could not validate credentials: the token is invalid, "
                           "expired or revoked"));
        return std::nullopt;
    }

    std::optional<UserRecord> user = m_store.findById(*userId);
    if (!user) {
        failure = ApiResponse::detail(401,
            QStringLiteral("The account of this token no longer "
                           "exists"));
        return std::nullopt;
    }
    if (!user->isActive) {
        failure = ApiResponse::detail(401, QStringLiteral("The account is deactivated"));
        return std::nullopt;
    }
    if (hashOut)
        *hashOut = hash;
    return user;
}

// POST /auth/login. In --expired-password-login forbidden mode an account whose password
// expired gets 403 unless the form also carries new_password: then that becomes the
// password (password_expired turns false) and a token is issued, so the account is never
// stuck between "cannot log in" and "must log in to change the password".
ApiResponse ControlPlane::login(const ApiRequest& request)
{
    const bool isForm = request.contentType.isEmpty()
        || request.contentType.toLower().contains("application/x-www-form-urlencoded");
    const auto form
        = isForm ? ApiRequest::decodeForm(request.body) : QList<QPair<QString, QString>>();
    const QString username
        = ApiRequest::value(form, QStringLiteral("username")).value_or(QString());
    const std::optional<QString> password = ApiRequest::value(form, QStringLiteral("password"));
    if (!password || password->isEmpty()) {
        return ApiResponse::validation(
            { ApiResponse::validationError({ QStringLiteral("body"), QStringLiteral("password") },
                QStringLiteral("Field required"), QStringLiteral("missing")) });
    }

    // An empty username means the password is a personal access token or an API key.
    if (username.isEmpty())
        return loginWithApiKey(*password);

    std::optional<UserRecord> user = m_store.findByUsername(username);
    const bool valid = user && !user->passwordHash.isNull()
        && PasswordHasher::verify(*password, user->passwordHash);
    if (!valid) {
        // Only a known username is named: what was typed may be a password in the wrong field.
        if (user)
            qCInfo(lcSandbox) << "login refused for" << user->username << ": bad credentials";
        else
            qCInfo(lcSandbox) << "login refused for an unknown username";
        return ApiResponse::detail(401, QStringLiteral("Invalid username or password"));
    }
    if (!user->isActive) {
        qCInfo(lcSandbox) << "login refused for" << username << ": account deactivated";
        return ApiResponse::detail(403, QStringLiteral("The account is deactivated"));
    }

    if (user->passwordExpired
        && m_options.expiredPasswordLogin == ExpiredPasswordLogin::Forbidden) {
        const QString newPassword
            = ApiRequest::value(form, QStringLiteral("new_password")).value_or(QString());
        if (newPassword.isEmpty()) {
            return ApiResponse::detail(403,
                QStringLiteral("Password expired: set a new password (send it as "
                               "new_password with the login form)"));
        }
        if (newPassword.size() > MaxPasswordLength || newPassword == *password) {
            return ApiResponse::validation({ ApiResponse::validationError(
                { QStringLiteral("body"), QStringLiteral("new_password") },
                QStringLiteral("Value error, the new password must differ from the expired one "
                               "and have at most %1 characters")
                    .arg(MaxPasswordLength),
                QStringLiteral("value_error")) });
        }
        user->passwordHash = PasswordHasher::hash(newPassword, m_options.passwordIterations);
        user->passwordExpired = false;
        user->updated = now();
        if (!m_store.update(*user))
            return storageFailure();
        qCInfo(lcSandbox) << "user" << user->username << "replaced an expired password at login";
    }
    return issueToken(*user);
}

ApiResponse ControlPlane::loginWithApiKey(const QString& key)
{
    const QString userId = m_apiKeys.value(tokenHash(key));
    const std::optional<UserRecord> user
        = userId.isEmpty() ? std::nullopt : m_store.findById(userId);
    if (!user)
        return ApiResponse::detail(401, QStringLiteral("Invalid API key or access token"));
    if (!user->isActive)
        return ApiResponse::detail(403, QStringLiteral("The account is deactivated"));
    return issueToken(*user);
}

ApiResponse ControlPlane::issueToken(const UserRecord& user)
{
    const QString token = QString::fromLatin1(
        randomBytes(32).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    const qint64 expiresAt
        = QDateTime::currentMSecsSinceEpoch() + qint64(m_options.tokenTtlSeconds) * 1000;
    if (!m_store.addToken(tokenHash(token), user.id, expiresAt))
        return storageFailure();
    qCInfo(lcSandbox) << "user" << user.username << "logged in";
    return ApiResponse::json(200,
        QJsonObject { { QStringLiteral("access_token"), token },
            { QStringLiteral("token_type"), QStringLiteral("bearer") },
            { QStringLiteral("expires_in"), m_options.tokenTtlSeconds } });
}

ApiResponse ControlPlane::logout(const ApiRequest& request)
{
    ApiResponse failure;
    QByteArray hash;
    const std::optional<UserRecord> caller = authenticate(request, failure, &hash);
    if (!caller)
        return failure;
    // An API key sent directly stays valid: only issued tokens are revoked.
    m_store.removeToken(hash);
    qCInfo(lcSandbox) << "user" << caller->username << "logged out";
    return ApiResponse::json(200, QJsonObject());
}

ApiResponse ControlPlane::listUsers(const ApiRequest& request)
{
    ApiResponse failure;
    if (!authenticate(request, failure))
        return failure;

    const auto query = ApiRequest::decodeForm(request.query);
    QJsonArray errors;
    qint64 offset = 0;
    qint64 limit = m_options.defaultPageSize;
    if (const auto text = ApiRequest::value(query, QStringLiteral("offset"))) {
        bool ok = false;
        offset = text->toLongLong(&ok);
        if (!ok || offset < 0) {
            errors.append(
                ApiResponse::validationError({ QStringLiteral("query"), QStringLiteral("offset") },
                    QStringLiteral("Input should be an integer greater than or equal to 0"),
                    ok ? QStringLiteral("greater_than_equal") : QStringLiteral("int_parsing")));
        }
    }
    if (const auto text = ApiRequest::value(query, QStringLiteral("limit"))) {
        bool ok = false;
        limit = text->toLongLong(&ok);
        if (!ok || limit < 1) {
            errors.append(
                ApiResponse::validationError({ QStringLiteral("query"), QStringLiteral("limit") },
                    QStringLiteral("Input should be an integer greater than or equal to 1"),
                    ok ? QStringLiteral("greater_than_equal") : QStringLiteral("int_parsing")));
        }
    }
    if (!errors.isEmpty())
        return ApiResponse::validation(errors);
    // A limit above the cap is served capped rather than refused.
    limit = qMin<qint64>(limit, m_options.maxPageSize);
    const QString email = ApiRequest::value(query, QStringLiteral("email")).value_or(QString());

    QElapsedTimer timer;
    timer.start();
    const std::optional<QList<QByteArray>> items
        = m_store.pageJson(offset, limit, email, m_options.adminInList);
    if (!items)
        return storageFailure();

    // The users' JSON as the store keeps it, joined into the bytes QJsonDocument would write
    // for the same array (or envelope object, whose keys it writes in sorted order).
    const bool envelope = m_options.listShape == ListShape::Envelope;
    qsizetype size = 2 + items->size() + (envelope ? 96 : 0);
    for (const QByteArray& item : *items)
        size += item.size();
    QByteArray body;
    body.reserve(size);
    if (envelope)
        body += "{\"items\":";
    body += '[';
    for (qsizetype i = 0; i < items->size(); ++i) {
        if (i > 0)
            body += ',';
        body += items->at(i);
    }
    body += ']';
    if (envelope) {
        const qint64 total = m_store.count(email, m_options.adminInList);
        body += ",\"limit\":" + QByteArray::number(limit) + ",\"offset\":"
            + QByteArray::number(offset) + ",\"total\":" + QByteArray::number(total) + '}';
    }
    qCDebug(lcSandbox, "page of %lld users (offset %lld, limit %lld) built in %lld ms",
        qint64(items->size()), offset, limit, qint64(timer.elapsed()));
    return ApiResponse::json(200, std::move(body));
}

ApiResponse ControlPlane::getUser(const ApiRequest& request, const QString& idOrEmail)
{
    ApiResponse failure;
    const std::optional<UserRecord> caller = authenticate(request, failure);
    if (!caller)
        return failure;

    std::optional<UserRecord> user;
    if (idOrEmail == u"me")
        user = caller;
    else if (isUuid(idOrEmail))
        user = m_store.findById(normalizedUuid(idOrEmail));
    else if (idOrEmail.contains(u'@'))
        user = m_store.findByEmail(idOrEmail);
    if (!user)
        return userNotFound();
    return ApiResponse::json(200, userJson(*user));
}

// POST /users takes its fields from the query string, as the documentation's curl lines do;
// a body, if any, is ignored.
ApiResponse ControlPlane::createUser(const ApiRequest& request)
{
    ApiResponse failure;
    const std::optional<UserRecord> caller = authenticate(request, failure);
    if (!caller)
        return failure;

    const auto query = ApiRequest::decodeForm(request.query);
    const std::optional<QString> username = ApiRequest::value(query, QStringLiteral("username"));
    const std::optional<QString> password = ApiRequest::value(query, QStringLiteral("password"));
    const std::optional<QString> superuserText
        = ApiRequest::value(query, QStringLiteral("is_superuser"));

    QJsonArray errors;
    if (!username) {
        errors.append(
            ApiResponse::validationError({ QStringLiteral("query"), QStringLiteral("username") },
                QStringLiteral("Field required"), QStringLiteral("missing")));
    } else if (const auto problem = usernameProblem(*username)) {
        errors.append(ApiResponse::validationError(
            { QStringLiteral("query"), QStringLiteral("username") }, *problem,
            username->isEmpty() ? QStringLiteral("string_too_short")
                                : QStringLiteral("value_error")));
    }
    if (!password) {
        errors.append(
            ApiResponse::validationError({ QStringLiteral("query"), QStringLiteral("password") },
                QStringLiteral("Field required"), QStringLiteral("missing")));
    } else if (password->isEmpty() || password->size() > MaxPasswordLength) {
        errors.append(ApiResponse::validationError(
            { QStringLiteral("query"), QStringLiteral("password") },
            QStringLiteral("String should have between 1 and %1 characters").arg(MaxPasswordLength),
            QStringLiteral("string_too_short")));
    }
    std::optional<bool> askedSuperuser = false;
    if (superuserText) {
        askedSuperuser = parseBool(*superuserText);
        if (!askedSuperuser) {
            errors.append(ApiResponse::validationError(
                { QStringLiteral("query"), QStringLiteral("is_superuser") },
                QStringLiteral("Input should be a valid boolean, unable to interpret input"),
                QStringLiteral("bool_parsing")));
        }
    }
    if (!errors.isEmpty())
        return ApiResponse::validation(errors);

    if (!canManageOthers(*caller)) {
        return ApiResponse::detail(
            403, QStringLiteral("Only super-users and the admin account can create users"));
    }
    if (m_store.findByUsername(*username)) {
        return ApiResponse::detail(
            409, QStringLiteral("A user with the username '%1' already exists").arg(*username));
    }

    UserRecord user;
    user.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    user.username = *username;
    user.passwordHash = PasswordHasher::hash(*password, m_options.passwordIterations);
    user.passwordExpired = true;
    // The first account created through the API becomes a super-user whatever was asked.
    const bool first = m_store.countNonAdmin() == 0;
    user.isSuperuser = *askedSuperuser || first;
    user.created = now();
    user.updated = user.created;
    if (!m_store.insert(user))
        return storageFailure();
    qCInfo(lcSandbox) << "user" << caller->username << "created user" << user.username << user.id
                      << (user.isSuperuser ? "as a super-user" : "");
    return ApiResponse::json(m_options.createStatus, userJson(user));
}

ApiResponse ControlPlane::updateUser(const ApiRequest& request, const QString& idOrMe)
{
    ApiResponse failure;
    const std::optional<UserRecord> caller = authenticate(request, failure);
    if (!caller)
        return failure;
    const bool me = idOrMe == u"me";
    if (!me && !isUuid(idOrMe))
        return invalidUuid(QStringLiteral("user_id"));

    // The body: a JSON object with any of name, is_superuser, password, is_active.
    const QString bodyLabel = QStringLiteral("body");
    if (request.body.trimmed().isEmpty()) {
        return ApiResponse::validation({ ApiResponse::validationError(
            { bodyLabel }, QStringLiteral("Field required"), QStringLiteral("missing")) });
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        // FastAPI puts the character offset into loc as a number.
        QJsonObject error = ApiResponse::validationError({ bodyLabel },
            QStringLiteral("JSON decode error: ") + parseError.errorString(),
            QStringLiteral("json_invalid"));
        error.insert(QStringLiteral("loc"), QJsonArray { bodyLabel, parseError.offset });
        return ApiResponse::validation({ error });
    }
    if (!document.isObject()) {
        return ApiResponse::validation({ ApiResponse::validationError({ bodyLabel },
            QStringLiteral("Input should be a valid dictionary or object to extract fields from"),
            QStringLiteral("model_attributes_type")) });
    }
    const QJsonObject body = document.object();

    QJsonArray errors;
    const QStringList known = { QStringLiteral("name"), QStringLiteral("is_superuser"),
        QStringLiteral("password"), QStringLiteral("is_active") };
    const QStringList keys = body.keys();
    for (const QString& key : keys) {
        if (!known.contains(key)) {
            errors.append(ApiResponse::validationError({ bodyLabel, key },
                QStringLiteral("Extra inputs are not permitted"),
                QStringLiteral("extra_forbidden")));
        }
    }
    const auto boolField = [&](const QString& key) -> std::optional<bool> {
        const QJsonValue value = body.value(key);
        if (value.isUndefined() || value.isNull())
            return std::nullopt;
        if (!value.isBool()) {
            errors.append(ApiResponse::validationError({ bodyLabel, key },
                QStringLiteral("Input should be a valid boolean"), QStringLiteral("bool_type")));
            return std::nullopt;
        }
        return value.toBool();
    };
    const std::optional<bool> superuser = boolField(QStringLiteral("is_superuser"));
    const std::optional<bool> active = boolField(QStringLiteral("is_active"));

    std::optional<QString> password;
    const QJsonValue passwordValue = body.value(QStringLiteral("password"));
    if (passwordValue.isString()) {
        password = passwordValue.toString();
        if (password->isEmpty() || password->size() > MaxPasswordLength) {
            errors.append(ApiResponse::validationError({ bodyLabel, QStringLiteral("password") },
                QStringLiteral("String should have between 1 and %1 characters")
                    .arg(MaxPasswordLength),
                QStringLiteral("string_too_short")));
        }
    } else if (!passwordValue.isUndefined() && !passwordValue.isNull()) {
        errors.append(ApiResponse::validationError({ bodyLabel, QStringLiteral("password") },
            QStringLiteral("Input should be a valid string"), QStringLiteral("string_type")));
    }

    const bool renames = m_options.patchName == PatchName::Username;
    const bool hasName = body.contains(QStringLiteral("name"));
    const QJsonValue nameValue = body.value(QStringLiteral("name"));
    QString name;
    if (hasName) {
        if (nameValue.isString()) {
            name = nameValue.toString();
            const std::optional<QString> problem = renames
                ? usernameProblem(name)
                : (name.size() > MaxNameLength ? std::optional<QString>(
                       QStringLiteral("String should have at most %1 characters")
                           .arg(MaxNameLength))
                                               : std::nullopt);
            if (problem) {
                errors.append(ApiResponse::validationError({ bodyLabel, QStringLiteral("name") },
                    *problem, QStringLiteral("value_error")));
            }
        } else if (!nameValue.isNull() || renames) {
            errors.append(ApiResponse::validationError({ bodyLabel, QStringLiteral("name") },
                QStringLiteral("Input should be a valid string"), QStringLiteral("string_type")));
        }
    }
    if (!errors.isEmpty())
        return ApiResponse::validation(errors);

    // Who may change whom.
    std::optional<UserRecord> target = me ? caller : m_store.findById(normalizedUuid(idOrMe));
    const bool self = me || (target && target->id == caller->id);
    if (!self && !canManageOthers(*caller)) {
        return ApiResponse::detail(
            403, QStringLiteral("Only super-users and the admin account can change other users"));
    }
    if (!target)
        return userNotFound();
    if (self && superuser) {
        return ApiResponse::detail(
            403, QStringLiteral("You cannot change your own super-user status"));
    }
    if (self && active)
        return ApiResponse::detail(403, QStringLiteral("You cannot change your own active status"));
    if (target->isAdmin) {
        if (superuser == false) {
            return ApiResponse::detail(
                403, QStringLiteral("The reserved admin account is always a super-user"));
        }
        if (active == false) {
            return ApiResponse::detail(
                403, QStringLiteral("The reserved admin account cannot be deactivated"));
        }
        if (hasName && renames) {
            return ApiResponse::detail(
                403, QStringLiteral("The reserved admin account's username cannot be changed"));
        }
    }
    if (password && !target->oauthProvider.isNull()) {
        return ApiResponse::detail(403,
            QStringLiteral("SSO accounts sign in through the identity provider and cannot "
                           "have a local password"));
    }
    if (hasName && renames) {
        const std::optional<UserRecord> other = m_store.findByUsername(name);
        if (other && other->id != target->id) {
            return ApiResponse::detail(
                409, QStringLiteral("A user with the username '%1' already exists").arg(name));
        }
    }

    // Apply everything at once: a refused request changes nothing.
    if (hasName) {
        if (renames)
            target->username = name;
        else
            target->name = nameValue.isNull() ? QString() : name;
    }
    if (superuser)
        target->isSuperuser = *superuser;
    if (active)
        target->isActive = *active;
    if (password) {
        target->passwordHash = PasswordHasher::hash(*password, m_options.passwordIterations);
        // A password someone else chose must be replaced at the next login.
        target->passwordExpired = !self;
    }
    target->updated = now();
    if (!m_store.update(*target))
        return storageFailure();
    if ((password && !self) || active == false)
        m_store.removeTokensOf(target->id);

    qCInfo(lcSandbox).noquote() << "user" << caller->username << "updated user" << target->username
                                << target->id << "fields:" << keys.join(u", ");
    return ApiResponse::json(200, userJson(*target));
}

ApiResponse ControlPlane::deleteUser(const ApiRequest& request, const QString& id)
{
    ApiResponse failure;
    const std::optional<UserRecord> caller = authenticate(request, failure);
    if (!caller)
        return failure;
    if (!isUuid(id))
        return invalidUuid(QStringLiteral("user_id"));
    if (!canManageOthers(*caller)) {
        return ApiResponse::detail(
            403, QStringLiteral("Only super-users and the admin account can delete users"));
    }
    const std::optional<UserRecord> target = m_store.findById(normalizedUuid(id));
    if (!target)
        return userNotFound();
    if (target->isAdmin)
        return ApiResponse::detail(
            403, QStringLiteral("The reserved admin account cannot be deleted"));
    if (target->id == caller->id)
        return ApiResponse::detail(403, QStringLiteral("You cannot delete your own account"));
    if (!m_store.remove(target->id))
        return storageFailure();
    qCInfo(lcSandbox) << "user" << caller->username << "deleted user" << target->username
                      << target->id;
    return ApiResponse::json(200, userJson(*target));
}

} // namespace zenml::sandbox
