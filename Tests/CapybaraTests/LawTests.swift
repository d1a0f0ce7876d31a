import Testing
@testable import Capybara
