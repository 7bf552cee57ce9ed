#pragma once

#include "sandbox/SandboxOptions.h"

#include <QCommandLineParser>
#include <QHostAddress>
#include <QProcessEnvironment>
#include <QStringList>

namespace zenml::sandbox {

// The command line of zenml-pro-sandbox, kept out of main() so that tests can check it.
class SandboxCommandLine final
{
public:
    enum class Outcome
    {
        Run,
        ShowHelp,
        ShowVersion,
        Error
    };

    SandboxCommandLine();
    Q_DISABLE_COPY_MOVE(SandboxCommandLine)

    // arguments includes the program name first, as QCoreApplication::arguments() does.
    Outcome parse(const QStringList& arguments, const QProcessEnvironment& environment);

    // The switches, then the fault syntax.
    QString helpText() const;
    QString errorString() const { return m_error; }
    const SandboxOptions& options() const { return m_options; }
    QHostAddress host() const { return m_host; }
    quint16 port() const { return m_port; }
    bool verbose() const { return m_verbose; }

private:
    bool readInteger(
        const QCommandLineOption& option, qint64 minimum, qint64 maximum, qint64* value);

    QCommandLineParser m_parser;
    QCommandLineOption m_hostOption;
    QCommandLineOption m_portOption;
    QCommandLineOption m_dbOption;
    QCommandLineOption m_tokenTtlOption;
    QCommandLineOption m_adminUsernameOption;
    QCommandLineOption m_adminPasswordOption;
    QCommandLineOption m_seedOption;
    QCommandLineOption m_seedRandomOption;
    QCommandLineOption m_pageSizeOption;
    QCommandLineOption m_maxPageSizeOption;
    QCommandLineOption m_apiKeyOption;
    QCommandLineOption m_tlsCertOption;
    QCommandLineOption m_tlsKeyOption;
    QCommandLineOption m_roundsOption;
    QCommandLineOption m_expiredOption;
    QCommandLineOption m_createStatusOption;
    QCommandLineOption m_listShapeOption;
    QCommandLineOption m_adminInListOption;
    QCommandLineOption m_patchNameOption;
    QCommandLineOption m_faultOption;
    QCommandLineOption m_verboseOption;
    QCommandLineOption m_helpOption;
    QCommandLineOption m_versionOption;

    SandboxOptions m_options;
    QHostAddress m_host;
    quint16 m_port = 0;
    bool m_verbose = false;
    QString m_error;
};

} // namespace zenml::sandbox
