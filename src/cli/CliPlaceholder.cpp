namespace zenml::cli { }
