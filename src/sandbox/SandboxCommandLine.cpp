#include "sandbox/SandboxCommandLine.h"

namespace zenml::sandbox {

namespace {

QString description()
{
    return QStringLiteral(
        "A sandbox ZenML Pro control plane: the user-management API (/api/v1/auth/login,\n"
        "/auth/logout, /users, /users/me, /users/{id}) on a loopback address, for demos and\n"
        "tests. On start it prints three lines and serves until SIGINT or SIGTERM:\n"
        "  API root: http://127.0.0.1:PORT/api/v1\n"
        "  Admin username: admin\n"
        "  Admin password: <password>\n"
        "\n"
        "Usernames are unique without regard to case ('Alice' and 'alice' collide; the\n"
        "case given at creation is kept). The first account created through the API\n"
        "becomes a super-user; seeded users count, so a seeded sandbox has no such first.\n"
        "Seeded local accounts all share the password 'seeded-password'.\n"
        "API keys (--api-key, or SANDBOX_API_KEY) act as the admin: send one as a Bearer\n"
        "token, or at /auth/login as the password with an empty username.\n"
        "Query strings and form bodies are form-decoded: a raw '+' is a space, %2B a plus.\n"
        "\n"
        "--expired-password-login forbidden: logging into an account whose password expired\n"
        "answers 403 (\"Password expired: ...\") unless the login form also carries\n"
        "new_password; that then becomes the password and a token is issued.\n"
        "\n"
        "Faults for testing clients (--fault; the syntax follows the switches) make chosen\n"
        "requests slow, failing, cut off, huge or redirected.\n"
        "\n"
        "Environment: SANDBOX_ADMIN_PASSWORD (instead of --admin-password), SANDBOX_API_KEY.\n"
        "Logging: QT_LOGGING_RULES='zenml.sandbox.debug=true' or --verbose.");
}

} // namespace

SandboxCommandLine::SandboxCommandLine()
    : m_hostOption(QStringLiteral("host"),
        QStringLiteral("Loopback address to listen on (default 127.0.0.1). Other "
                       "addresses are refused."),
        QStringLiteral("address"), QStringLiteral("127.0.0.1"))
    , m_portOption(QStringLiteral("port"),
          QStringLiteral("TCP port; 0 picks a free one (default 0)."), QStringLiteral("n"),
          QStringLiteral("0"))
    , m_dbOption(QStringLiteral("db"),
          QStringLiteral("SQLite file, created when missing and reused otherwise (the "
                         "admin account and users persist). In memory when omitted."),
          QStringLiteral("file"))
    , m_tokenTtlOption(QStringLiteral("token-ttl"),
          QStringLiteral("Lifetime of issued access tokens (default 3600)."),
          QStringLiteral("seconds"), QStringLiteral("3600"))
    , m_adminUsernameOption(QStringLiteral("admin-username"),
          QStringLiteral("Username of the reserved admin account (default "
                         "admin)."),
          QStringLiteral("name"), QStringLiteral("admin"))
    , m_adminPasswordOption(QStringLiteral("admin-password"),
          QStringLiteral("Password of the admin account. Default: "
                         "SANDBOX_ADMIN_PASSWORD, else the one an earlier "
                         "start kept in --db, else 20 random characters."),
          QStringLiteral("password"))
    , m_seedOption(QStringLiteral("seed"),
          QStringLiteral("Create n realistic users when the database has none yet "
                         "(local, SSO and service accounts)."),
          QStringLiteral("n"), QStringLiteral("0"))
    , m_seedRandomOption(QStringLiteral("seed-random"),
          QStringLiteral("Random seed of --seed: the same value gives the same "
                         "users, ids included (default 1)."),
          QStringLiteral("s"), QStringLiteral("1"))
    , m_pageSizeOption(QStringLiteral("page-size"),
          QStringLiteral("GET /users limit when none is given (default 100)."), QStringLiteral("n"),
          QStringLiteral("100"))
    , m_maxPageSizeOption(QStringLiteral("max-page-size"),
          QStringLiteral("Largest GET /users page; a larger limit is served "
                         "capped (default 1000)."),
          QStringLiteral("n"), QStringLiteral("1000"))
    , m_apiKeyOption(QStringLiteral("api-key"),
          QStringLiteral("Accept this API key (real ones begin with ZENPROKEY_) as "
                         "the admin. Repeatable."),
          QStringLiteral("key"))
    , m_tlsCertOption(QStringLiteral("tls-cert"),
          QStringLiteral("Serve HTTPS with this PEM certificate (with --tls-key)."),
          QStringLiteral("file"))
    , m_tlsKeyOption(QStringLiteral("tls-key"),
          QStringLiteral("The PEM RSA private key of --tls-cert."), QStringLiteral("file"))
    , m_roundsOption(QStringLiteral("pbkdf2-rounds"),
          QStringLiteral("PBKDF2-SHA256 rounds for new password hashes (default "
                         "20000)."),
          QStringLiteral("n"), QStringLiteral("20000"))
    , m_expiredOption(QStringLiteral("expired-password-login"),
          QStringLiteral("Login with an expired password: ok (200, and /users/me "
                         "shows password_expired) or forbidden (403). Default ok."),
          QStringLiteral("ok|forbidden"), QStringLiteral("ok"))
    , m_createStatusOption(QStringLiteral("create-status"),
          QStringLiteral("Status of a successful POST /users (default 200)."),
          QStringLiteral("200|201"), QStringLiteral("200"))
    , m_listShapeOption(QStringLiteral("list-shape"),
          QStringLiteral("GET /users answers a bare array or an object "
                         "{items, total, offset, limit} (default array)."),
          QStringLiteral("array|envelope"), QStringLiteral("array"))
    , m_adminInListOption(QStringLiteral("admin-in-list"),
          QStringLiteral("Whether GET /users lists the admin account, shown as "
                         "a super-user (default yes)."),
          QStringLiteral("yes|no"), QStringLiteral("yes"))
    , m_patchNameOption(QStringLiteral("patch-name"),
          QStringLiteral("What PATCH {\"name\"} changes: the display name or the "
                         "username (default display)."),
          QStringLiteral("display|username"), QStringLiteral("display"))
    , m_faultOption(QStringLiteral("fault"),
          QStringLiteral("Misbehave on matching requests, e.g. 'GET /users: status=502,nginx'. "
                         "Repeatable; the syntax is below."),
          QStringLiteral("spec"))
    , m_verboseOption(QStringLiteral("verbose"),
          QStringLiteral("Log every request (method, path, status, milliseconds) "
                         "to stderr."))
    , m_helpOption(m_parser.addHelpOption())
    , m_versionOption(m_parser.addVersionOption())
{
    m_parser.setApplicationDescription(description());
    m_parser.addOptions({ m_hostOption, m_portOption, m_dbOption, m_tokenTtlOption,
        m_adminUsernameOption, m_adminPasswordOption, m_seedOption, m_seedRandomOption,
        m_pageSizeOption, m_maxPageSizeOption, m_apiKeyOption, m_roundsOption, m_expiredOption,
        m_createStatusOption, m_listShapeOption, m_adminInListOption, m_patchNameOption,
        m_faultOption, m_tlsCertOption, m_tlsKeyOption, m_verboseOption });
}

QString SandboxCommandLine::helpText() const
{
    return m_parser.helpText() + u'\n' + faultSyntaxHelp();
}

bool SandboxCommandLine::readInteger(
    const QCommandLineOption& option, qint64 minimum, qint64 maximum, qint64* value)
{
    bool ok = false;
    const QString text = m_parser.value(option);
    *value = text.toLongLong(&ok);
    if (ok && *value >= minimum && *value <= maximum)
        return true;
    m_error = QStringLiteral("--%1 must be a whole number from %2 to %3, not '%4'")
                  .arg(option.names().constFirst())
                  .arg(minimum)
                  .arg(maximum)
                  .arg(text);
    return false;
}

SandboxCommandLine::Outcome SandboxCommandLine::parse(
    const QStringList& arguments, const QProcessEnvironment& environment)
{
    if (!m_parser.parse(arguments)) {
        m_error = m_parser.errorText();
        return Outcome::Error;
    }
    if (m_parser.isSet(m_helpOption))
        return Outcome::ShowHelp;
    if (m_parser.isSet(m_versionOption))
        return Outcome::ShowVersion;
    if (!m_parser.positionalArguments().isEmpty()) {
        m_error = QStringLiteral("unexpected argument: ") + m_parser.positionalArguments().first();
        return Outcome::Error;
    }

    // Loopback only: the sandbox has demo credentials and no TLS.
    const QString hostText = m_parser.value(m_hostOption);
    if (hostText.compare(u"localhost", Qt::CaseInsensitive) == 0) {
        m_host = QHostAddress(QHostAddress::LocalHost);
    } else if (!m_host.setAddress(hostText)) {
        m_error = QStringLiteral("--host: '%1' is not an IP address").arg(hostText);
        return Outcome::Error;
    }
    if (!m_host.isLoopback()) {
        m_error = QStringLiteral("--host: refusing to listen on %1, which is not a loopback "
                                 "address; the sandbox serves only this machine (use 127.0.0.1 "
                                 "or ::1)")
                      .arg(hostText);
        return Outcome::Error;
    }

    qint64 number = 0;
    if (!readInteger(m_portOption, 0, 65535, &number))
        return Outcome::Error;
    m_port = quint16(number);
    if (!readInteger(m_tokenTtlOption, 1, 10LL * 365 * 24 * 3600, &number))
        return Outcome::Error;
    m_options.tokenTtlSeconds = int(number);
    if (!readInteger(m_seedOption, 0, 2'000'000, &number))
        return Outcome::Error;
    m_options.seedCount = int(number);
    if (!readInteger(m_seedRandomOption, 0, 0xffffffffLL, &number))
        return Outcome::Error;
    m_options.seedRandom = quint32(number);
    if (!readInteger(m_maxPageSizeOption, 1, 1'000'000, &number))
        return Outcome::Error;
    m_options.maxPageSize = int(number);
    if (!readInteger(m_pageSizeOption, 1, 1'000'000, &number))
        return Outcome::Error;
    m_options.defaultPageSize = int(number);
    if (!readInteger(m_roundsOption, 1, 10'000'000, &number))
        return Outcome::Error;
    m_options.passwordIterations = int(number);
    if (!readInteger(m_createStatusOption, 200, 201, &number))
        return Outcome::Error;
    m_options.createStatus = int(number);

    const QString expired = m_parser.value(m_expiredOption);
    const QString shape = m_parser.value(m_listShapeOption);
    const QString inList = m_parser.value(m_adminInListOption);
    const QString patchName = m_parser.value(m_patchNameOption);
    const auto expiredValue = expiredPasswordLoginFromString(expired);
    const auto shapeValue = listShapeFromString(shape);
    const auto patchNameValue = patchNameFromString(patchName);
    if (!expiredValue) {
        m_error = QStringLiteral("--expired-password-login must be ok or forbidden, not '%1'")
                      .arg(expired);
        return Outcome::Error;
    }
    if (!shapeValue) {
        m_error = QStringLiteral("--list-shape must be array or envelope, not '%1'").arg(shape);
        return Outcome::Error;
    }
    if (inList != u"yes" && inList != u"no") {
        m_error = QStringLiteral("--admin-in-list must be yes or no, not '%1'").arg(inList);
        return Outcome::Error;
    }
    if (!patchNameValue) {
        m_error
            = QStringLiteral("--patch-name must be display or username, not '%1'").arg(patchName);
        return Outcome::Error;
    }
    m_options.expiredPasswordLogin = *expiredValue;
    m_options.listShape = *shapeValue;
    m_options.adminInList = inList == u"yes";
    m_options.patchName = *patchNameValue;

    m_options.databasePath = m_parser.value(m_dbOption);
    m_options.adminUsername = m_parser.value(m_adminUsernameOption);
    m_options.adminPassword = m_parser.isSet(m_adminPasswordOption)
        ? m_parser.value(m_adminPasswordOption)
        : environment.value(QStringLiteral("SANDBOX_ADMIN_PASSWORD"));
    m_options.apiKeys = m_parser.values(m_apiKeyOption);
    m_options.tlsCertificatePath = m_parser.value(m_tlsCertOption);
    m_options.tlsKeyPath = m_parser.value(m_tlsKeyOption);
    if (m_options.tlsCertificatePath.isEmpty() != m_options.tlsKeyPath.isEmpty()) {
        m_error = QStringLiteral("--tls-cert and --tls-key go together.");
        return Outcome::Error;
    }
    const QString environmentKey = environment.value(QStringLiteral("SANDBOX_API_KEY"));
    if (!environmentKey.isEmpty())
        m_options.apiKeys.append(environmentKey);
    for (const QString& key : std::as_const(m_options.apiKeys)) {
        if (key.trimmed().isEmpty() || key.trimmed() != key) {
            m_error = QStringLiteral("--api-key: an API key cannot be empty or have surrounding "
                                     "whitespace");
            return Outcome::Error;
        }
    }
    for (const QString& spec : m_parser.values(m_faultOption)) {
        const auto fault = parseFault(spec, &m_error);
        if (!fault) {
            m_error.prepend(QStringLiteral("--fault: "));
            return Outcome::Error;
        }
        m_options.faults.append(*fault);
    }
    m_verbose = m_parser.isSet(m_verboseOption);
    return Outcome::Run;
}

} // namespace zenml::sandbox
